using System.Text.Json;
using BuildEngine;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// infra/ itself with the real hashicorp/aws provider (from the machine's mirror) against moto_server: its state in
/// the S3 backend as infra/environments/dev.s3.tfbackend configures it (plus use_path_style for an endpoint on
/// 127.0.0.1), the verified image in moto's SSM, each target a run of its own as a CircleCI job is.
/// </summary>
public sealed class RealModuleLifecycleTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly TerraformJobs _jobs = new(moto);
    private readonly Feedback.FeedbackFixture _services = new();
    private readonly string _pluginCache = Directory.CreateTempSubdirectory("plugin-cache-").FullName;
    private string _image = "";
    private HashSet<string> _seeded = [];

    public async Task InitializeAsync()
    {
        ProviderMirror.Require();
        await _jobs.StartAsync();
        _image = await moto.SeedAsync("image", "gitops-web-dev-real", """{ "Project": "gitops-demo" }""");
        await moto.SeedAsync("put-parameter", "/gitops-demo/dev/ami-id", _image);
        // Seeding the image ran an instance of its own; only what the module starts counts below.
        _seeded = [.. (await Ec2Async()).GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        _services.Dispose();
        TestFiles.DeleteDirectory(_pluginCache);
        return Task.CompletedTask;
    }

    private PipelineRun Checkout() => _jobs.Checkout(realModule: true);

    private Dictionary<string, string> Main() =>
        _jobs.Main("c0ffee1", ("TF_CLI_CONFIG_FILE", ProviderMirror.CliConfigFile), ("TF_PLUGIN_CACHE_DIR", _pluginCache));

    /// <summary>A nightly DriftCheck job, reporting to the local GitHub and Slack servers.</summary>
    private Dictionary<string, string> Night(int night)
    {
        var environment = Main();
        foreach (var (key, value) in _services.Environment("c0ffee1", "main", pullRequest: null, workflow: $"wf-nightly-{night}", job: "DriftCheck-dev"))
            environment[key] = value;
        return environment;
    }

    private async Task<JsonElement> Ec2Async() => JsonDocument.Parse(await moto.SeedAsync("ec2")).RootElement;

    private int Running(JsonElement ec2) =>
        ec2.GetProperty("instances").EnumerateArray().Count(i => !_seeded.Contains(i.GetProperty("id").GetString()!) && i.GetProperty("state").GetString() is "pending" or "running");

    [SkippableFact]
    public async Task Plan_policy_apply_drift_and_teardown_of_the_module_users_deploy()
    {
        var job = Checkout();

        var plan = await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main()));
        Assert.Contains("6 to add, 0 to change, 0 to destroy", plan.Output);
        var policy = await TerraformJobs.Succeeds(job.RunAsync(["PolicyCheck", "--skip"], Main()));
        Assert.Contains("policy passed: 4 rules", policy.Output);
        Assert.DoesNotContain("waived", policy.Output);
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main()));

        using var outputs = JsonDocument.Parse(File.ReadAllText(job.Temp / "terraform" / "dev" / "outputs.json"));
        Assert.Equal(_image, outputs.RootElement.GetProperty("ami_id").GetProperty("value").GetString());
        var instance = outputs.RootElement.GetProperty("instance_id").GetProperty("value").GetString();
        var deployed = await Ec2Async();
        Assert.Contains(deployed.GetProperty("instances").EnumerateArray(), i => i.GetProperty("id").GetString() == instance && i.GetProperty("state").GetString() == "running");
        Assert.Contains("gitops-demo-dev-web", deployed.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("gitops-demo-dev", deployed.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));

        var drift = await TerraformJobs.Succeeds(job.RunAsync(["DriftCheck", "--skip"], Night(0)));
        Assert.Contains("No drift", drift.Output);
        Assert.Contains("Not drift: aws_key_pair.deploy: tags (absent and empty are the same)", drift.Output);
        Assert.Empty(_services.GitHub.Issues);

        // Someone opens SSH to the world by hand: the plan says "No changes", resource_drift shows the group.
        await moto.SeedAsync("open-ingress", "gitops-demo-dev-web", "22", "0.0.0.0/0");
        var opened = await job.RunAsync(["DriftCheck", "--skip"], Night(1));
        Assert.Equal(ExitCodes.TargetFailed, opened.ExitCode);
        Assert.Contains("Drift detected: changed outside Terraform: aws_security_group.web: ingress tcp 22 from 0.0.0.0/0 is not in the configuration; a plan now would: no changes.", opened.Output);
        var issue = Assert.Single(_services.GitHub.Issues.Values);
        Assert.Contains("aws_security_group.web", issue.Body);
        Assert.Contains("ingress tcp 22 from 0.0.0.0/0", issue.Body);
        Assert.DoesNotContain("aws_key_pair.deploy", issue.Body);

        // And a tag changed by hand on the instance.
        await moto.SeedAsync("tag", instance!, "Environment", "changed-by-hand");
        var tagged = await job.RunAsync(["DriftCheck", "--skip"], Night(2));
        Assert.Equal(ExitCodes.TargetFailed, tagged.ExitCode);
        Assert.Contains("aws_instance.web: tags changed; tags_all changed", tagged.Output);
        Assert.Single(_services.GitHub.Issues);
        Assert.StartsWith("The drift changed", Assert.Single(_services.GitHub.CommentsOn(issue.Number)));
        Assert.Contains("aws_instance.web", _services.GitHub.Issues[issue.Number].Body);

        await TerraformJobs.Succeeds(job.RunAsync(["TerraformDestroy", "--skip", "--confirm-destroy", "dev"], Main()));
        var teardown = await TerraformJobs.Succeeds(job.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], Main()));
        Assert.Contains("6 to destroy", teardown.Output);

        var left = await Ec2Async();
        Assert.Equal(0, Running(left));
        Assert.DoesNotContain("gitops-demo-dev-web", left.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.DoesNotContain("gitops-demo-dev", left.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => moto.SeedAsync("parameter", "/gitops-demo/dev/ami-id"));
    }

    [SkippableFact]
    public async Task A_pull_request_plan_reads_the_verified_image_and_SSH_opened_to_the_world_is_refused_by_PolicyCheck_and_never_applied()
    {
        var job = Checkout();
        // A pull request plans the module as it is: no image of its own, so the module reads the verified one from SSM.
        var pullRequest = Main();
        pullRequest["CIRCLE_BRANCH"] = "feature/ssh";
        pullRequest["CIRCLE_PULL_REQUEST"] = "https://github.com/acme/infra/pull/7";
        pullRequest["KEEP_PLANS_LOCAL"] = "true"; // to read the plan's JSON here
        var reviewed = await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], pullRequest));
        Assert.Contains("Speculative plan (pull request)", reviewed.Output);
        using (var plan = JsonDocument.Parse(File.ReadAllText(job.Temp / "terraform" / "dev" / "plan.json")))
            Assert.Equal(_image, plan.RootElement.GetProperty("output_changes").GetProperty("ami_id").GetProperty("after").GetString());

        var tfvars = job.Root / "infra" / "environments" / "dev.tfvars";
        File.WriteAllText(tfvars, File.ReadAllText(tfvars).Replace("[\"203.0.113.0/24\"]", "[\"0.0.0.0/0\"]", StringComparison.Ordinal));

        await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main()));
        var policy = await job.RunAsync(["PolicyCheck", "--skip"], Main());
        var apply = await job.RunAsync(["TerraformApply", "--skip"], Main());

        Assert.Equal(ExitCodes.TargetFailed, policy.ExitCode);
        Assert.Contains("policy violation: no-public-ingress aws_vpc_security_group_ingress_rule.ssh[\"0.0.0.0/0\"]", policy.Output);
        Assert.Equal(ExitCodes.TargetFailed, apply.ExitCode);
        Assert.Equal(0, Running(await Ec2Async()));
    }
}
