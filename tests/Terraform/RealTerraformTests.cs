using System.Text.Json;
using BuildEngine;
using Tests.Engine;
using Tests.Feedback;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// TerraformPlan, TerraformApply and DriftCheck as separate runs (one per CI job) with the real terraform on the
/// test module, its state in the S3 backend with the DynamoDB lock on a real moto_server.
/// </summary>
public sealed class RealTerraformTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string AdminPassword = "Adm1n-Pa55word-from-tfvars";
    private const string LockId = TestModule.StateBucket + "/dev/terraform.tfstate";
    private readonly List<PipelineRun> _runs = [];

    public async Task InitializeAsync()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled, "terraform is not on PATH (every machine of this kind has Terraform 1.11)");
        RequiredPeer.Require(MotoServer.IsInstalled, "moto_server is not installed (pip install 'moto[server]')");
        await moto.ResetAsync();
        await moto.CreateStateBackendAsync(TestModule.StateBucket, TestModule.LockTable);
    }

    public Task DisposeAsync()
    {
        foreach (var run in _runs) run.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A checkout of its own, as each CircleCI job has.</summary>
    private PipelineRun Checkout()
    {
        var run = TestModule.CreateRun();
        _runs.Add(run);
        return run;
    }

    private Dictionary<string, string> Main(string commit, params (string Key, string Value)[] extra)
    {
        var environment = moto.Environment();
        environment["CI"] = "true";
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = commit;
        environment["CIRCLE_BRANCH"] = "main";
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private static async Task<RunOutcome> Succeeds(Task<RunOutcome> run)
    {
        var outcome = await run;
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    private async Task<PipelineRun> DeployAsync(string commit)
    {
        var job = Checkout();
        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main(commit)));
        await Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main(commit)));
        return job;
    }

    private async Task<bool> LockHeldAsync() =>
        (await moto.LockTableItemsAsync(TestModule.LockTable)).Any(item => item.GetProperty("LockID").GetString() == LockId);

    [SkippableFact]
    public async Task Plan_then_apply_of_exactly_that_plan_writes_outputs_with_the_sensitive_one_masked()
    {
        var job = Checkout();
        var plan = await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));
        var apply = await Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main("c0ffee1")));

        Assert.Contains("2 to add, 0 to change, 0 to destroy", plan.Output);
        Assert.Contains("Apply complete! Resources: 2 added", apply.Output);
        var outputs = File.ReadAllText(job.Temp / "terraform" / "dev" / "outputs.json");
        Assert.Contains("\"public_ip\"", outputs);
        Assert.Contains("admin_password (sensitive)", apply.Output);
        foreach (var text in new[] { plan.Output, plan.Log, apply.Output, apply.Log, outputs })
            Assert.DoesNotContain(AdminPassword, text);
        Assert.False(await LockHeldAsync());
    }

    [SkippableFact]
    public async Task A_sensitive_value_Terraform_prints_in_clear_is_masked_in_console_log_plan_text_and_comment()
    {
        await DeployAsync("c0ffee1");
        using var services = new FeedbackFixture();
        var environment = services.Environment(commit: "d15ea5e", branch: "feature/rotate");
        foreach (var (key, value) in moto.Environment()) environment[key] = value;

        var plan = await Succeeds(Checkout().RunAsync(["TerraformPlan", "--skip"], environment));
        var job = _runs[^1];

        Assert.Contains("terraform_data.web", plan.Output);
        var planText = File.ReadAllText(job.Temp / "terraform" / "dev" / "plan.txt");
        Assert.Contains("password", planText);
        var comment = Assert.Single(services.GitHub.Comments).Value.Body;
        foreach (var text in new[] { plan.Output, plan.Log, planText, comment })
            Assert.DoesNotContain(AdminPassword, text);
    }

    [SkippableFact]
    public async Task A_pull_request_plan_takes_no_lock_and_succeeds_while_an_apply_holds_it()
    {
        var deploy = Checkout();
        await Succeeds(deploy.RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));
        var apply = deploy.RunAsync(["TerraformApply", "--skip"], Main("c0ffee1", ("TEST_APPLY_SLEEP", "20")));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await LockHeldAsync())
        {
            Assert.False(apply.IsCompleted, (apply.IsCompleted ? (await apply).Output : ""));
            Assert.True(DateTime.UtcNow < deadline, "the apply never took the state lock");
            await Task.Delay(200);
        }

        var pullRequest = Main("d15ea5e");
        pullRequest["CIRCLE_BRANCH"] = "feature/x";
        var plan = await Succeeds(Checkout().RunAsync(["TerraformPlan", "--skip"], pullRequest));

        Assert.False(apply.IsCompleted, "the apply ended before the pull-request plan: the test proves nothing\n" + plan.Output);
        Assert.Contains("-lock=false", plan.Output);
        Assert.Contains("Speculative plan (pull request): the state lock is not taken", plan.Output);
        var locks = (await moto.LockTableItemsAsync(TestModule.LockTable)).Where(i => i.GetProperty("LockID").GetString() == LockId).ToList();
        var held = Assert.Single(locks);
        Assert.Contains("OperationTypeApply", held.GetProperty("Info").GetString());
        await Succeeds(apply);
        Assert.False(await LockHeldAsync());
    }

    [SkippableFact]
    public async Task Without_credentials_no_terraform_starts_and_one_line_names_the_missing_setting()
    {
        var job = Checkout();
        var environment = Main("c0ffee1");
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");

        foreach (var target in new[] { "DriftCheck", "TerraformPlan" })
        {
            var outcome = await job.RunAsync([target, "--skip"], environment);

            Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
            Assert.Contains($"error: {target} failed: No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", outcome.Output);
            Assert.DoesNotContain("> terraform", outcome.Output);
        }
    }
}
