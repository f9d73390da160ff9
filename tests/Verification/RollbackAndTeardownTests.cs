using System.Text.Json;
using BuildEngine;
using Tests.Engine;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Verification;

/// <summary>
/// Rollback, TerraformDestroy and PruneImages' rollback targets, one run per CI job, with the real terraform on the
/// test module and the verified-image ledger (SSM parameter history) on moto.
/// </summary>
public sealed class RollbackAndTeardownTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Older = "ami-0aaaaaaaaaaaaaaa1";
    private const string Newer = "ami-0bbbbbbbbbbbbbbb2";
    private const string Parameter = "/gitops-demo/dev/ami-id";
    private const string GitHubToken = "ghp_RollbackTeardownToken0123456789";
    private readonly TerraformJobs _jobs = new(moto);
    private readonly Doubles.GitHub.GitHubServer _github = new(GitHubToken);

    public Task InitializeAsync() => _jobs.StartAsync();

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        _github.Dispose();
        return Task.CompletedTask;
    }

    private PipelineRun Checkout() => _jobs.Checkout();

    /// <summary>A job on main reporting to our GitHub server (GitHub has no local peer), deployments included.</summary>
    private Dictionary<string, string> Main(string commit = "r011bac4") => _jobs.Main(commit,
        ("GITHUB_TOKEN", GitHubToken), ("GITHUB_API_URL", _github.Url), ("CIRCLE_PROJECT_USERNAME", "acme"), ("CIRCLE_PROJECT_REPONAME", "infra"),
        ("FEEDBACK_RETRY_BASE_DELAY_MS", "10"));

    private static RunOutcome Succeeded(RunOutcome outcome)
    {
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    private static string OutputValue(PipelineRun job, string name) =>
        JsonDocument.Parse(File.ReadAllText(job.Temp / "terraform" / "dev" / "outputs.json")).RootElement.GetProperty(name).GetProperty("value").GetString()!;

    [SkippableFact]
    public async Task Rollback_plans_and_applies_the_previous_verified_image_through_the_reviewed_path()
    {
        await moto.SeedAsync("put-parameter", Parameter, Older);
        await moto.SeedAsync("put-parameter", Parameter, Newer);
        var job = Checkout();

        var rollback = Succeeded(await job.RunAsync(["Rollback", "--skip"], Main()));
        var plan = Succeeded(await job.RunAsync(["TerraformPlan", "--skip"], Main()));
        Succeeded(await job.RunAsync(["TerraformApply", "--skip"], Main()));

        Assert.Contains($"Rolling dev back from {Newer} (version 2) to {Older} (version 1", rollback.Output);
        Assert.Contains($"Deploying {Older} (rollback for commit r011bac4)", plan.Output);
        Assert.Equal(Older, OutputValue(job, "ami_id"));
        var deployment = Assert.Single(_github.DeploymentsOf("dev"));
        Assert.Equal(("rollback", "r011bac4", Older), (deployment.Task, deployment.Sha, (string?)deployment.Payload["ami"]));
        Assert.StartsWith($"Roll dev back to {Older}", deployment.Description);
        Assert.Equal(["in_progress"], deployment.States); // success waits for SmokeTest
    }

    [SkippableFact]
    public async Task Rollback_to_an_image_never_verified_here_is_refused_in_one_line_and_nothing_is_planned()
    {
        await moto.SeedAsync("put-parameter", Parameter, Older);
        await moto.SeedAsync("put-parameter", Parameter, Newer);
        var job = Checkout();

        var refused = await job.RunAsync(["Rollback", "--skip", "--rollback-to", "ami-0cccccccccccccc33"], Main());
        var chosen = Succeeded(await job.RunAsync(["Rollback", "--skip", "--rollback-to", Older], Main()));

        Assert.Equal(ExitCodes.TargetFailed, refused.ExitCode);
        Assert.Contains($"error: Rollback failed: Rollback refused: ami-0cccccccccccccc33 was never verified in dev ({Parameter} history: {Newer}, {Older}); nothing planned.", refused.Output);
        Assert.Contains($"to {Older} (version 1", chosen.Output);
        var empty = Checkout();
        await moto.ResetAsync();
        var nothing = await empty.RunAsync(["Rollback", "--skip"], Main());
        Assert.Contains($"Rollback refused: {Parameter} does not exist; dev has no verified image to go back to; nothing planned.", nothing.Output);
        Assert.False(File.Exists(empty.Temp / "image" / "ami.json"));
    }

    [SkippableFact]
    public async Task TerraformDestroy_needs_the_environment_named_plans_only_deletes_and_exactly_that_plan_is_applied()
    {
        var job = Checkout();
        Succeeded(await job.RunAsync(["TerraformPlan", "--skip"], Main()));
        Succeeded(await job.RunAsync(["TerraformApply", "--skip"], Main()));
        await moto.SeedAsync("put-parameter", Parameter, Newer);

        var unconfirmed = await job.RunAsync(["TerraformDestroy", "--skip"], Main());
        var wrongName = await job.RunAsync(["TerraformDestroy", "--skip", "--confirm-destroy", "prod"], Main());
        var plan = Succeeded(await job.RunAsync(["TerraformDestroy", "--skip", "--confirm-destroy", "dev"], Main()));
        var withoutAllow = await job.RunAsync(["TerraformApply", "--skip"], Main());
        var apply = Succeeded(await job.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], Main()));

        Assert.Equal(ExitCodes.UsageError, unconfirmed.ExitCode);
        Assert.Contains("TerraformDestroy requires parameter ConfirmDestroy (set --confirm-destroy or CONFIRM_DESTROY)", unconfirmed.Output);
        Assert.Contains("TerraformDestroy refused: --confirm-destroy 'prod' does not name the environment being destroyed ('dev'); nothing planned.", wrongName.Output);
        Assert.Contains("0 to add, 0 to change, 4 to destroy, 0 to replace", plan.Output);
        using (var meta = JsonDocument.Parse(File.ReadAllText(job.Temp / "terraform" / "dev" / "plan.meta.json")))
            Assert.True(meta.RootElement.GetProperty("destroy").GetBoolean());
        Assert.Contains("pass --allow-destroy", withoutAllow.Output);
        Assert.Contains("4 destroyed", apply.Output);
        Assert.Contains($"dev is torn down: {Parameter} removed.", apply.Output);
        await Assert.ThrowsAsync<InvalidOperationException>(() => moto.SeedAsync("parameter", Parameter));
        var deployed = Assert.Single(_github.DeploymentsOf("dev")); // the teardown itself is no deployment
        Assert.Equal(["in_progress", "inactive"], deployed.States);
    }

    [SkippableFact]
    public async Task PruneImages_keeps_every_image_in_an_environments_recent_verified_history()
    {
        var oldest = await moto.SeedAsync("image", "gitops-web-oldest", """{"Project":"gitops-demo"}""");
        await Task.Delay(1100); // creation dates a second apart: "newest" is unambiguous
        var older = await moto.SeedAsync("image", "gitops-web-older", """{"Project":"gitops-demo"}""");
        await Task.Delay(1100);
        var live = await moto.SeedAsync("image", "gitops-web-live", """{"Project":"gitops-demo"}""");
        await Task.Delay(1100);
        var newest = await moto.SeedAsync("image", "gitops-web-newest", """{"Project":"gitops-demo"}""");
        await moto.SeedAsync("put-parameter", Parameter, older);
        await moto.SeedAsync("put-parameter", Parameter, live);

        var outcome = Succeeded(await Checkout().RunAsync(["PruneImages", "--keep-images", "2"], Main()));

        Assert.Equal(new[] { older, live, newest }.Order(), (await moto.LinesAsync("images")).Order());
        Assert.Contains($"remove {oldest}", outcome.Output);
        Assert.Contains($"keep   {older}", outcome.Output);
    }
}
