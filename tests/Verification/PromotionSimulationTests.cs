using System.Text.Json;
using Tests.Ansible;
using Tests.CircleCi;
using Tests.Doubles;
using Tests.Feedback;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Verification;

/// <summary>
/// The generated deploy workflow run job by job as CircleCI orders it, each job its own ./build.sh process: the real
/// terraform on infra/ itself with the real AWS provider (from the machine's mirror), its state and the instances on
/// moto, the verified-image ledger on moto's SSM, every PolicyCheck on the real plan with no waiver. Ansible runs
/// over a real sshd and SmokeTest asks a local web server (--ansible-host, --smoke-test-url): moto's instance
/// addresses answer nothing (the Debian host's real nginx is exercised in RealRolesTests).
/// </summary>
public sealed class PromotionSimulationTests(MotoServer moto, SimulatedRepository repository)
    : IClassFixture<MotoServer>, IClassFixture<SimulatedRepository>, IAsyncLifetime
{
    private string Baked = "";
    private const string Commit = "feed0123feed0123";
    private readonly string _scratch = Directory.CreateTempSubdirectory("promotion-").FullName;
    private readonly Dictionary<string, JobRun> _runs = new(StringComparer.Ordinal);
    private string _served = Commit;
    private LocalHttpServer? _site;
    private SshServer? _ssh;

    public async Task InitializeAsync()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled && MotoServer.IsInstalled, "terraform or moto_server is missing");
        RequiredPeer.Require(SshServer.SshdPath is not null && RequiredPeer.OnPath("ansible-playbook"), "sshd or ansible-playbook is missing; .ci/run installs them");
        ProviderMirror.Require();
        await moto.ResetAsync();
        await moto.CreateStateBackendAsync(TestModule.StateBucket, TestModule.LockTable);
        TestModule.UsePathStyle(repository.Root);
        // What PackerBuild (the packer double: packer build needs AWS) reports having baked: an image moto can run.
        Baked = await moto.SeedAsync("image", "gitops-web-baked", """{ "Project": "gitops-demo" }""");
        repository.ResetWorkspace();
        _site = new LocalHttpServer(request => request.Path == "/version.txt"
            ? new ServerResponse(200, _served + "\n", "text/plain")
            : new ServerResponse(404, "not found", "text/plain"));
        _ssh = await SshServer.CreateAsync();
        _ssh.Start();
    }

    public async Task DisposeAsync()
    {
        _site?.Dispose();
        if (_ssh is not null) await _ssh.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = moto.Environment();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
            environment[name] = System.Environment.GetEnvironmentVariable(name) ?? "";
        environment["CI"] = "true";
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = Commit;
        environment["CIRCLE_BRANCH"] = "main";
        environment["CIRCLE_WORKFLOW_ID"] = "wf-deploy";
        environment["AWS_RETRY_BASE_DELAY_MS"] = "5";
        environment["PACKER_DOUBLE_LOG"] = Path.Combine(_scratch, "packer.log");
        environment["PACKER_DOUBLE_AMI"] = Baked;
        environment["TF_CLI_CONFIG_FILE"] = ProviderMirror.CliConfigFile;
        environment["ANSIBLE_HOST"] = "127.0.0.1";
        environment["ANSIBLE_PORT"] = _ssh!.Port.ToString();
        environment["ANSIBLE_USER"] = SshServer.User;
        environment["ANSIBLE_HOST_KEY"] = _ssh.HostPublicKey;
        environment["SSH_PRIVATE_KEY"] = _ssh.UserPrivateKey;
        environment["ANSIBLE_PLAYBOOK"] = Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml");
        environment["ANSIBLE_EXTRA_VARS"] = $"marker_dir={_scratch}";
        environment["READINESS_POLL_MS"] = "100";
        environment["SMOKE_TEST_URL"] = _site!.Url + "/";
        environment["SMOKE_TEST_POLL_MS"] = "100";
        environment["SMOKE_TEST_TIMEOUT_SECONDS"] = "2";
        return environment;
    }

    private async Task<IReadOnlyList<WorkflowJobOutcome>> RunDeployWorkflowAsync()
    {
        var config = await File.ReadAllTextAsync(Path.Combine(repository.Root, ".circleci", "config.yml"));
        var environment = Environment();
        return await WorkflowRunner.RunAsync(config, "deploy", new Dictionary<string, string>(), async job =>
        {
            var arguments = job.Command.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(a => a != "./build.sh").Skip(1).ToArray();
            var jobEnvironment = new Dictionary<string, string>(environment);
            // The job's own environment as CircleCI sets it, its /root home moved into the scratch folder.
            foreach (var (name, value) in job.Environment)
                jobEnvironment[name] = value.StartsWith("/root/", StringComparison.Ordinal) ? Path.Combine(_scratch, "home", value["/root/".Length..]) : value;
            // packer build needs AWS: that job runs the packer double; PackerValidate runs the real packer.
            if (job.Name == "PackerBuild")
                jobEnvironment["PACKER_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Packer", "packer-double.sh");
            var preparation = await repository.RunCommandsAsync(job.Preparation.Select(c => c.Replace("/root/", Path.Combine(_scratch, "home") + "/", StringComparison.Ordinal)), jobEnvironment);
            var run = await repository.RunJobAsync(job.Name, arguments, jobEnvironment);
            _runs[job.Name] = run;
            // A job that succeeded while Terraform printed an error (a plugin cache folder that does not exist, a
            // CLI configuration it cannot read) is broken on CircleCI just the same.
            return preparation && run.ExitCode == 0 && !run.Output.Contains("│ Error:", StringComparison.Ordinal);
        });
    }

    private async Task<JsonElement?> VerifiedImageAsync(string environment)
    {
        try { return JsonDocument.Parse(await moto.SeedAsync("parameter", $"/gitops-demo/{environment}/ami-id")).RootElement; }
        catch (InvalidOperationException) { return null; }
    }

    [SkippableFact]
    public async Task One_image_is_baked_and_promoted_through_dev_staging_and_prod_each_verified_before_the_next()
    {
        var outcomes = await RunDeployWorkflowAsync();

        Assert.All(outcomes, o => Assert.True(o.Status is "succeeded" or "approved", $"{o.Name} {o.Status}:\n{(_runs.TryGetValue(o.Name, out var r) ? r.Output : "")}"));
        Assert.Single(outcomes, o => o.Name.StartsWith("PackerBuild", StringComparison.Ordinal));
        Assert.Single(File.ReadAllLines(Path.Combine(_scratch, "packer.log")), l => l.StartsWith("build"));
        var order = outcomes.Select(o => o.Name).ToList();
        Assert.True(order.IndexOf("SmokeTest-dev") < order.IndexOf("TerraformPlan-staging"));
        Assert.True(order.IndexOf("SmokeTest-staging") < order.IndexOf("TerraformPlan-prod"));
        Assert.DoesNotContain("approve-TerraformApply-dev", order);
        Assert.True(order.IndexOf("PolicyCheck-prod") < order.IndexOf("approve-TerraformApply-prod"));
        Assert.True(order.IndexOf("DriftCheck-dev") < order.IndexOf("TerraformPlan-staging"));
        Assert.Contains("approve-TerraformApply-prod", order);
        foreach (var environment in new[] { "dev", "staging", "prod" })
        {
            Assert.Contains($"Deploying {Baked} (built for commit {Commit})", _runs[$"TerraformPlan-{environment}"].Output);
            Assert.Contains($"{Baked} is verified and live in {environment}", _runs[$"SmokeTest-{environment}"].Output);
            Assert.Contains("policy passed: 4 rules", _runs[$"PolicyCheck-{environment}"].Output);
            Assert.DoesNotContain("waived", _runs[$"PolicyCheck-{environment}"].Output);
            Assert.Contains("No drift", _runs[$"DriftCheck-{environment}"].Output);
            var verified = (await VerifiedImageAsync(environment))!.Value;
            Assert.Equal(Baked, verified.GetProperty("Value").GetString());
            Assert.Contains($"commit {Commit}", verified.GetProperty("Description").GetString());
        }
    }

    [SkippableFact]
    public async Task A_site_serving_an_old_commit_stops_the_chain_at_dev_and_dev_keeps_its_previous_image()
    {
        await moto.SeedAsync("put-parameter", "/gitops-demo/dev/ami-id", "ami-0previous00000001");
        _served = "0ldc0mm1t0ldc0mm1t";

        var outcomes = await RunDeployWorkflowAsync();

        Assert.Equal("failed", outcomes.Single(o => o.Name == "SmokeTest-dev").Status);
        Assert.Contains($"SmokeTest failed: GET {_site!.Url}/version.txt: status 200 serving commit '0ldc0mm1t0ldc0mm1t'", _runs["SmokeTest-dev"].Output);
        foreach (var later in outcomes.Where(o => o.Name.EndsWith("-staging") || o.Name.EndsWith("-prod")))
            Assert.Equal("not run", later.Status);
        Assert.DoesNotContain(_runs.Keys, k => k.Contains("staging") || k.Contains("prod"));
        Assert.Equal("ami-0previous00000001", (await VerifiedImageAsync("dev"))!.Value.GetProperty("Value").GetString());
        Assert.Null(await VerifiedImageAsync("staging"));
    }
}
