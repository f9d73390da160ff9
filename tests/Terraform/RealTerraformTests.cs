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
    private readonly TerraformJobs _jobs = new(moto);

    public Task InitializeAsync() => _jobs.StartAsync();

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        return Task.CompletedTask;
    }

    private PipelineRun Checkout() => _jobs.Checkout();

    private Dictionary<string, string> Main(string commit, params (string Key, string Value)[] extra) => _jobs.Main(commit, extra);

    private static Task<RunOutcome> Succeeds(Task<RunOutcome> run) => TerraformJobs.Succeeds(run);

    private async Task<PipelineRun> DeployAsync(string commit)
    {
        var job = Checkout();
        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main(commit)));
        await Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main(commit)));
        return job;
    }

    /// <summary>
    /// The state locks held: the backends take both while users migrate, the lock object in the state bucket
    /// (use_lockfile) and the DynamoDB item. Terraform takes and releases them one after the other.
    /// </summary>
    private async Task<(bool Item, bool LockObject)> LocksAsync() =>
        ((await moto.LockTableItemsAsync(TestModule.LockTable)).Any(item => item.GetProperty("LockID").GetString() == LockId),
         (await moto.LinesAsync("objects", TestModule.StateBucket)).Contains("dev/terraform.tfstate.tflock"));

    private async Task<bool> BothLocksHeldAsync() => await LocksAsync() is (true, true);

    private async Task<bool> AnyLockHeldAsync() => await LocksAsync() is not (false, false);

    [SkippableFact]
    public async Task Plan_then_apply_of_exactly_that_plan_writes_outputs_with_the_sensitive_one_masked()
    {
        var job = Checkout();
        var plan = await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));
        var apply = await Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main("c0ffee1")));

        Assert.Contains("4 to add, 0 to change, 0 to destroy", plan.Output);
        Assert.Contains("Apply complete! Resources: 4 added", apply.Output);
        var outputs = File.ReadAllText(job.Temp / "terraform" / "dev" / "outputs.json");
        Assert.Contains("\"public_ip\"", outputs);
        Assert.Contains("admin_password (sensitive)", apply.Output);
        foreach (var text in new[] { plan.Output, plan.Log, apply.Output, apply.Log, outputs })
            Assert.DoesNotContain(AdminPassword, text);
        Assert.False(await AnyLockHeldAsync());
    }

    [SkippableFact]
    public async Task With_a_role_and_an_OIDC_token_and_no_keys_Terraform_reads_and_writes_the_state_with_the_roles_credentials()
    {
        var job = Checkout();
        var token = job.Root / "oidc-token.jwt";
        File.WriteAllText(token, Aws.WebIdentityTests.Token());
        var environment = Main("c0ffee1");
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/gitops-deploy-dev";
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = token;

        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], environment));
        var apply = await Succeeds(job.RunAsync(["TerraformApply", "--skip"], environment));

        Assert.Contains("Apply complete! Resources: 4 added", apply.Output);
        Assert.Contains("dev/terraform.tfstate", (await moto.SeedAsync("objects", TestModule.StateBucket)).Split('\n'));
        Assert.DoesNotContain(Aws.WebIdentityTests.Token().Split('.')[1], apply.Output + apply.Log);
    }

    [SkippableFact]
    public async Task A_sensitive_value_Terraform_prints_in_clear_is_masked_in_console_log_plan_text_and_comment()
    {
        await DeployAsync("c0ffee1");
        using var services = new FeedbackFixture();
        var environment = services.Environment(commit: "d15ea5e", branch: "feature/rotate");
        foreach (var (key, value) in moto.Environment()) environment[key] = value;

        var job = Checkout();
        var plan = await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], environment));

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
        while (!await BothLocksHeldAsync())
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

        // StateLock reads both records of the running apply's lock; ForceUnlock will not release a lock that young.
        var shown = await Succeeds(Checkout().RunAsync(["StateLock"], Main("c0ffee1")));
        var lockId = JsonDocument.Parse(held.GetProperty("Info").GetString()!).RootElement.GetProperty("ID").GetString()!;
        Assert.Contains($"Locked (s3://{TestModule.StateBucket}/dev/terraform.tfstate.tflock): ID {lockId}, apply (OperationTypeApply) by", shown.Output);
        Assert.Contains($"Locked (DynamoDB {TestModule.LockTable}): ID {lockId}, apply (OperationTypeApply) by", shown.Output);
        var refused = await Checkout().RunAsync(["ForceUnlock", "--lock-id", lockId], Main("c0ffee1"));
        Assert.Equal(ExitCodes.TargetFailed, refused.ExitCode);
        Assert.Contains("it may still be running", refused.Output);
        await Succeeds(apply);
        Assert.False(await AnyLockHeldAsync());
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
            Assert.Contains($"error: {target} failed: No AWS credentials for this job: set AWS_ROLE_ARN in the CircleCI context of this job (aws-plan, aws-image, aws-deploy-<env>, aws-drift)", outcome.Output);
            Assert.DoesNotContain("> terraform", outcome.Output);
        }
    }

    [SkippableFact]
    public async Task TerraformValidate_runs_fmt_init_without_backend_and_validate_for_real()
    {
        var outcome = await Succeeds(Checkout().RunAsync(["TerraformValidate"], Main("c0ffee1")));

        Expect.Matches(@"TerraformValidate\s+Succeeded\s+[\d.]+ s\s+configuration valid \(terraform 1\.\d+\.\d+\)", outcome.Output);
    }

    [SkippableFact]
    public async Task The_same_plan_applied_twice_is_refused_as_stale_in_one_line()
    {
        var job = await DeployAsync("c0ffee1");
        var changed = Checkout();
        await Succeeds(changed.RunAsync(["TerraformPlan", "--skip"], Main("d15ea5e")));
        // The workspace carries only plan.meta.json; each apply fetches the plan it names from the plan store.
        File.Copy(changed.Temp / "terraform" / "dev" / "plan.meta.json", job.Temp / "terraform" / "dev" / "plan.meta.json", overwrite: true);
        await Succeeds(changed.RunAsync(["TerraformApply", "--skip"], Main("d15ea5e")));

        var again = await job.RunAsync(["TerraformApply", "--skip"], Main("d15ea5e"));

        Assert.Equal(ExitCodes.TargetFailed, again.ExitCode);
        Assert.Contains("error: TerraformApply failed: The saved plan is stale: the state changed after it was made (another apply ran). Nothing was applied; re-run TerraformPlan", again.Output);
        Assert.False(await AnyLockHeldAsync());
    }

    [SkippableFact]
    public async Task Two_applies_at_once_wait_for_the_lock_and_the_later_is_refused_as_stale()
    {
        await DeployAsync("c0ffee1");
        var first = Checkout();
        var second = Checkout();
        await Succeeds(first.RunAsync(["TerraformPlan", "--skip"], Main("aaaaaaa", ("TF_VAR_apply_delay_trigger", "a"))));
        await Succeeds(second.RunAsync(["TerraformPlan", "--skip"], Main("bbbbbbb", ("TF_VAR_apply_delay_trigger", "b"))));

        // Each plan replaces the delay resource (hence --allow-destroy, as after an approval): both applies overlap.
        var applies = await Task.WhenAll(
            first.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], Main("aaaaaaa", ("TEST_APPLY_SLEEP", "4"))),
            second.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], Main("bbbbbbb", ("TEST_APPLY_SLEEP", "4"))));

        Assert.Single(applies, a => a.ExitCode == 0);
        var refused = Assert.Single(applies, a => a.ExitCode != 0);
        Assert.Contains("The saved plan is stale", refused.Output);
        Assert.Contains("Acquiring state lock", refused.Output);
        Assert.False(await AnyLockHeldAsync());
        var winner = applies[0].ExitCode == 0 ? ("aaaaaaa", "a") : ("bbbbbbb", "b");
        var next = await Succeeds(Checkout().RunAsync(["TerraformPlan", "--skip"], Main(winner.Item1, ("TF_VAR_apply_delay_trigger", winner.Item2))));
        Assert.Contains("): no changes", next.Output);
    }

    [SkippableFact]
    public async Task Cancelling_an_apply_interrupts_terraform_releases_the_lock_and_reports_Aborted()
    {
        var job = Checkout();
        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));
        using var cancellation = new CancellationTokenSource();
        // The apply only has to outlast seeing both locks on a loaded runner (each look is a boto3 process); the
        // cancellation ends it long before the sleep does.
        var apply = job.RunAsync(["TerraformApply", "--skip"], Main("c0ffee1", ("TEST_APPLY_SLEEP", "30")), cancellation.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await BothLocksHeldAsync())
        {
            Assert.True(DateTime.UtcNow < deadline && !apply.IsCompleted, "the apply never took the state lock");
            await Task.Delay(200);
        }

        await cancellation.CancelAsync();
        var outcome = await apply;

        Assert.Equal(ExitCodes.Cancelled, outcome.ExitCode);
        Expect.Matches(@"TerraformApply\s+Aborted", outcome.Output);
        Assert.False(await AnyLockHeldAsync());
        await Succeeds(Checkout().RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));
    }

    [SkippableFact]
    public async Task A_plan_without_changes_skips_the_apply_and_still_writes_the_outputs()
    {
        await DeployAsync("c0ffee1");
        var job = Checkout();
        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Main("c0ffee1")));

        var apply = await Succeeds(job.RunAsync(["TerraformApply", "--skip"], Main("c0ffee1")));

        Expect.Matches(@"TerraformApply\s+Skipped\s+[\d.]+ s\s+the reviewed plan has no changes; outputs refreshed", apply.Output);
        using var outputs = JsonDocument.Parse(File.ReadAllText(job.Temp / "terraform" / "dev" / "outputs.json"));
        Assert.Equal("127.0.0.3", outputs.RootElement.GetProperty("public_ip").GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task DriftCheck_reports_a_change_made_outside_the_pipeline()
    {
        var job = await DeployAsync("c0ffee1");
        var clean = await Succeeds(job.RunAsync(["DriftCheck"], Main("c0ffee1")));
        Assert.Contains("No drift", clean.Output);

        // Someone changed the environment's variables without going through a reviewed plan.
        var variables = job.Root / "infra" / "environments" / "dev.tfvars";
        File.WriteAllText(variables, File.ReadAllText(variables).Replace("t3.micro", "t3.large"));
        var drifted = await job.RunAsync(["DriftCheck"], Main("c0ffee1"));

        Assert.Equal(ExitCodes.TargetFailed, drifted.ExitCode);
        Assert.Contains("a plan now would: 0 to add, 1 to change, 0 to destroy", drifted.Output);
        Assert.False(await AnyLockHeldAsync());
    }

    [SkippableFact]
    public async Task TerraformApply_refuses_a_changed_plan_another_commits_plan_and_another_branch_and_applies_nothing()
    {
        // Plans kept on disk (no plan store): a file changed in the workspace. PlanStoreTests change the stored object.
        Dictionary<string, string> Local(string commit) => Main(commit, ("KEEP_PLANS_LOCAL", "true"));
        var job = Checkout();
        await Succeeds(job.RunAsync(["TerraformPlan", "--skip"], Local("c0ffee1")));
        var plan = job.Temp / "terraform" / "dev" / "plan.tfplan";
        var reviewed = File.ReadAllBytes(plan);

        File.AppendAllText(plan, "tampered");
        var tampered = await job.RunAsync(["TerraformApply", "--skip"], Local("c0ffee1"));
        File.WriteAllBytes(plan, reviewed);
        var otherCommit = await job.RunAsync(["TerraformApply", "--skip"], Local("d15ea5e"));
        var featureBranch = Local("c0ffee1");
        featureBranch["CIRCLE_BRANCH"] = "feature/x";
        var otherBranch = await job.RunAsync(["TerraformApply", "--skip"], featureBranch);

        Assert.Contains("TerraformApply refused: plan.tfplan has SHA-256", tampered.Output);
        Assert.Contains("the plan was made for commit c0ffee1, this is d15ea5e", otherCommit.Output);
        Assert.Contains("TerraformApply refused: branch 'feature/x' is not main", otherBranch.Output);
        foreach (var refused in new[] { tampered, otherCommit, otherBranch })
        {
            Assert.Equal(ExitCodes.TargetFailed, refused.ExitCode);
            Assert.DoesNotContain("> terraform apply", refused.Output);
        }
        var forced = await Succeeds(job.RunAsync(["TerraformApply", "--skip", "--force-apply"], featureBranch));
        Assert.Contains("Apply complete! Resources: 4 added", forced.Output);
    }
}
