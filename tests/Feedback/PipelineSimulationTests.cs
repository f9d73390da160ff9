using BuildEngine;
using BuildEngine.Processes;
using Pipeline.Packer;
using Tests.Ansible;
using Tests.Doubles.Aws;
using Tests.Engine;

namespace Tests.Feedback;

/// <summary>
/// The GitOps flow end to end: one ./build.sh process per job, as CircleCI runs them, with CircleCI's variables,
/// the terraform and packer doubles, the local AWS, GitHub and Slack servers, and a real sshd for Ansible.
/// </summary>
public sealed class PipelineSimulationTests(SimulatedRepository repository) : IClassFixture<SimulatedRepository>, IDisposable
{
    private const string AwsSecret = "Pl4nted-AWS-Secret-Access-Key";
    private const string AwsSession = "Pl4nted-AWS-Session-Token";
    private const string TerraformSecret = "Pl4nted-Terraform-S3cret";
    private readonly FeedbackFixture _services = new();
    private readonly AwsServer _aws = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("simulation-").FullName;
    private readonly List<JobRun> _jobs = [];

    public void Dispose()
    {
        _services.Dispose();
        _aws.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private static bool ToolsInstalled => SshServer.SshdPath is not null &&
        new[] { "packer", "ansible-playbook" }.All(t => ToolRunner.IsInstalled(t, new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "" }));

    private Dictionary<string, string> Environment(string commit, string branch, int? pullRequest, string workflow)
    {
        var environment = _services.Environment(commit, branch, pullRequest, workflow);
        foreach (var (key, value) in _aws.Environment()) environment[key] = value;
        environment["AWS_SECRET_ACCESS_KEY"] = AwsSecret;
        environment["AWS_SESSION_TOKEN"] = AwsSession;
        environment["SLACK_WEBHOOK_URL"] = _services.Slack.WebhookUrl;
        environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH")!;
        environment["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/root";
        environment["DOTNET_ROOT"] = System.Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "";
        environment["TERRAFORM_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Terraform", "terraform-double.sh");
        environment["TERRAFORM_DOUBLE_LOG"] = Path.Combine(_scratch, "terraform.log");
        environment["KEEP_PLANS_LOCAL"] = "true"; // our AWS double has no S3; the plan store's tests run on moto
        environment["TERRAFORM_DOUBLE_PLAN_JSON"] = Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", "infracost_terraform_v0.14_plan.json");
        environment["PACKER_DOUBLE_LOG"] = Path.Combine(_scratch, "packer.log");
        return environment;
    }

    private async Task<JobRun> JobAsync(string job, Dictionary<string, string> environment, params string[] arguments)
    {
        var run = await repository.RunJobAsync(job, arguments, environment);
        _jobs.Add(run);
        Assert.True(run.ExitCode == 0, $"{job} exited {run.ExitCode}:\n{run.Output}");
        return run;
    }

    private IEnumerable<string> StatesOf(string context, string commit) =>
        _services.GitHub.Statuses.Where(s => s.Context == context && s.Sha == commit).Select(s => s.State);

    [SkippableFact]
    public async Task A_pull_request_pipeline_validates_plans_comments_once_and_applies_nothing()
    {
        Peers.RequiredPeer.Require(ToolsInstalled, "packer, ansible-playbook or sshd is not installed; .ci/run installs them");
        repository.ResetWorkspace();

        foreach (var commit in new[] { "aaaa1111", "bbbb2222" })
        {
            var environment = Environment(commit, "feature/more-web", pullRequest: 7, workflow: $"wf-pr-{commit}");
            await JobAsync("PackerValidate", environment, "PackerValidate", "--skip");
            await JobAsync("TerraformValidate", environment, "TerraformValidate", "--skip");
            await JobAsync("AnsibleValidate", environment, "AnsibleValidate", "--skip");
            await JobAsync("TerraformPlan-dev", environment, "TerraformPlan", "--skip", "--profile", "dev");
            Assert.Contains("#### Policy check: ⏳ pending (`toolchain/policy-dev`)", Assert.Single(_services.GitHub.Comments).Value.Body);
            var policy = await repository.RunJobAsync("PolicyCheck-dev", ["PolicyCheck", "--skip", "--profile", "dev"], environment);
            _jobs.Add(policy);
            await JobAsync("Validate", environment, "Validate", "--skip");

            Assert.Equal(ExitCodes.TargetFailed, policy.ExitCode); // the recorded plan's instances are t3.nano, untagged, unencrypted
            foreach (var context in new[] { "toolchain/packer-validate", "toolchain/terraform-validate", "toolchain/ansible-validate", "toolchain/terraform-plan/dev", "toolchain/validate" })
                Assert.Equal(["pending", "success"], StatesOf(context, commit));
            Assert.Equal(["pending", "failure"], StatesOf("toolchain/policy-dev", commit));
            Assert.StartsWith("failed in", _services.GitHub.Statuses.Last(s => s.Context == "toolchain/policy-dev").Description);
            var parent = Assert.Single(_services.Slack.Parents, p => p.RunId == $"wf-pr-{commit}");
            Assert.Equal(5, _services.Slack.Replies(parent.Ts).Count(r => r.Text.Contains(" succeeded")));
            Assert.Contains(_services.Slack.Replies(parent.Ts), r => r.Text.Contains("PolicyCheck-dev failed") && r.Text.Contains("policy failed: 48 violations of required-tags, encrypted-volumes, allowed-instance-types"));
        }

        var comment = Assert.Single(_services.GitHub.Comments).Value;
        Assert.Equal(7, comment.Issue);
        Assert.Contains("Commit `bbbb2222`", comment.Body);
        Assert.Contains("12 to add", comment.Body);
        Assert.Contains("#### Policy check: ❌", comment.Body);
        Assert.Contains("| `encrypted-volumes` — EBS volumes, root volumes included, are encrypted | 12 | ❌", comment.Body);
        Assert.Contains("- `allowed-instance-types` `aws_instance.instance_2`: instance type t3.nano is not allowed in dev (allowed: t3.micro, t3.small)", comment.Body);
        Assert.DoesNotContain("pending", comment.Body);
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(_scratch, "terraform.log")), l => l.Contains("|apply "));
        Assert.False(File.Exists(Path.Combine(_scratch, "packer.log")), "nothing is baked on a pull request");
        AssertNoSecretLeaked();
    }

    [SkippableFact]
    public async Task A_main_pipeline_reuses_the_image_applies_the_reviewed_plan_and_configures_the_host()
    {
        Peers.RequiredPeer.Require(ToolsInstalled, "packer, ansible-playbook or sshd is not installed; .ci/run installs them");
        repository.ResetWorkspace();
        await using var ssh = await SshServer.CreateAsync();
        ssh.Start();
        SeedExistingImage();
        _aws.Ec2.AddInstance(new FakeInstance("i-0feedface0000001", new InstanceObservation("running", "initializing", "ok"), new InstanceObservation("running", "ok", "ok"))
        {
            ConsoleOutput = Tests.Aws.ConsoleHostKeysTests.Console(string.Join(' ', ssh.HostPublicKey.Split(' ').Take(2))),
        });
        var outputs = Path.Combine(_scratch, "outputs.json");
        File.WriteAllText(outputs, $$"""
            { "instance_id": { "sensitive": false, "type": "string", "value": "i-0feedface0000001" },
              "public_ip": { "sensitive": false, "type": "string", "value": "127.0.0.1" },
              "ssh_user": { "sensitive": false, "type": "string", "value": "{{SshServer.User}}" },
              "db_password": { "sensitive": true, "type": "string", "value": "{{TerraformSecret}}" } }
            """);
        var marker = Path.Combine(_scratch, "marker");
        var environment = Environment("cccc3333", "main", pullRequest: null, workflow: "wf-main");
        environment["TERRAFORM_DOUBLE_OUTPUTS"] = outputs;
        environment["SSH_PRIVATE_KEY"] = ssh.UserPrivateKey;
        environment["ANSIBLE_PORT"] = ssh.Port.ToString();
        environment["ANSIBLE_PLAYBOOK"] = Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml");
        environment["ANSIBLE_EXTRA_VARS"] = $"marker_dir={marker}";
        environment["READINESS_POLL_MS"] = "100";

        var bake = await JobAsync("PackerBuild", environment, "PackerBuild", "--skip");
        await JobAsync("TerraformPlan-dev", environment, "TerraformPlan", "--skip", "--profile", "dev");
        await JobAsync("TerraformApply-dev", environment, "TerraformApply", "--skip", "--profile", "dev", "--allow-destroy");
        await JobAsync("AnsibleConfigure-dev", environment, "AnsibleConfigure", "--skip", "--profile", "dev");

        Expect.Matches(@"PackerBuild\s+Succeeded\s+[\d.]+ s\s+build skipped: inputs [0-9a-f]{12} unchanged, reused ami-0seeded0000000001", bake.Output);
        Assert.False(File.Exists(Path.Combine(_scratch, "packer.log")));
        var applied = File.ReadAllLines(Path.Combine(_scratch, "terraform.log.applied"));
        Assert.Equal([Pipeline.Terraform.PlanMetadata.Sha256Of(Path.Combine(repository.Temp, "terraform", "dev", "plan.tfplan"))], applied);
        Assert.Equal("dev cccc3333\n", File.ReadAllText(Path.Combine(marker, "deployed.txt")));

        var parent = Assert.Single(_services.Slack.Parents, p => p.RunId == "wf-main");
        var replies = _services.Slack.Replies(parent.Ts).Select(r => r.Text).ToList();
        Assert.Contains(replies, r => r.Contains("PackerBuild succeeded") && r.Contains("ami-0seeded0000000001"));
        Assert.Contains(replies, r => r.Contains("TerraformPlan-dev succeeded") && r.Contains("12 to add"));
        Assert.Contains(replies, r => r.Contains("TerraformApply-dev succeeded"));
        Assert.Contains(replies, r => r.Contains("AnsibleConfigure-dev succeeded") && r.Contains("changed=2"));
        // The run promotes through several environments: its header names none, each environment's job its own.
        Assert.DoesNotContain("environment `", BlockText(parent.Blocks));
        var posts = _services.Slack.Replies(parent.Ts).ToList();
        Assert.All(posts.Where(p => p.Text.Contains("PackerBuild")), p => Assert.DoesNotContain("environment `", BlockText(p.Blocks)));
        Assert.All(posts.Where(p => p.Text.Contains("-dev ")), p => Assert.Contains("environment `dev`", BlockText(p.Blocks)));
        Assert.Equal(["pending", "success"], StatesOf("toolchain/terraform-apply/dev", "cccc3333"));
        AssertNoSecretLeaked(ssh.UserPrivateKey);
    }

    /// <summary>The texts of a Block Kit message, unescaped.</summary>
    private static string BlockText(string blocks) =>
        string.Join('\n', System.Text.Json.Nodes.JsonNode.Parse(blocks)!.AsArray()
            .SelectMany(b => new[] { b?["text"]?["text"] }.Concat(b?["elements"]?.AsArray().Select(e => e?["text"]) ?? []))
            .Select(t => (string?)t).Where(t => t is not null));

    private void SeedExistingImage()
    {
        var variables = new PackerVariables { Region = "eu-west-1", Project = "gitops-demo" };
        var hash = new PackerTemplate(Path.Combine(repository.Root, "packer")).InputsHash(variables.ImageDefining());
        _aws.Ec2.AddImage(new FakeImage("ami-0seeded0000000001", "gitops-web-dev-seeded", DateTimeOffset.UtcNow.AddDays(-2),
            new Dictionary<string, string> { ["InputsHash"] = hash, ["Project"] = "gitops-demo" }, ["snap-seeded"]));
    }

    private void AssertNoSecretLeaked(string? privateKey = null)
    {
        var secrets = new List<string> { FeedbackFixture.GitHubToken, FeedbackFixture.SlackToken, "local-secret-access-key-for-tests", AwsSecret, AwsSession, TerraformSecret, "T000/B000/secretpath" };
        if (privateKey is not null)
            secrets.AddRange(privateKey.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("-----")));
        var places = _jobs.SelectMany(j => new[] { ($"{j.Job} output", j.Output), ($"{j.Job} log", j.Log) })
            .Concat(_services.GitHub.Comments.Values.Select(c => ("PR comment", c.Body)))
            .Concat(_services.GitHub.Statuses.Select(s => ("status", s.Description ?? "")))
            .Concat(_services.Slack.Messages.Values.Select(m => ("Slack message", m.Text + m.Blocks)))
            .Concat(repository.WrittenFiles());
        foreach (var (place, text) in places)
        {
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a planted secret leaked into {place}");
        }
    }
}
