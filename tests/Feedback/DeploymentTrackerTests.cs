using BuildEngine.Execution;
using Pipeline.Feedback;
using Pipeline.Feedback.GitHub;
using Tests.Doubles.GitHub;

namespace Tests.Feedback;

/// <summary>
/// The deployment tracker against our GitHub server (no local GitHub exists), through Octokit's real client: what
/// GitHub's auto_inactive does not do for production, the tracker does.
/// </summary>
public sealed class DeploymentTrackerTests : IDisposable
{
    private const string Token = "ghp_DeploymentTrackerToken0123456789";
    private readonly GitHubServer _github = new(Token);

    public void Dispose() => _github.Dispose();

    private DeploymentTracker Tracker(string commit, string environment, bool production, List<string> warnings) => new(
        new GitHubFeedback(GitHubFeedback.CreateClient(_github.Url, Token), "acme", "infra",
            FeedbackResilience.Create(GitHubFeedback.Classify, warnings.Add, TimeSpan.FromMilliseconds(5))).Deployments,
        new DeploymentTargets("TerraformApply", "AnsibleConfigure", "SmokeTest"), environment, commit, production, "https://circleci.com/job/1",
        () => new DeploymentFacts("deploy", false, "ami-0123456789abcdef0", commit, new string('a', 64)), () => "http://site.example/", s => s, _ => { }, warnings.Add);

    private static TargetResult Result(string target, TargetStatus status) => new(target, status, TimeSpan.FromSeconds(1));

    private static async Task DeployAsync(DeploymentTracker tracker, bool verified = true)
    {
        await tracker.TargetStartingAsync("TerraformApply", CancellationToken.None);
        await tracker.TargetFinishedAsync(Result("TerraformApply", TargetStatus.Succeeded), CancellationToken.None);
        await tracker.TargetFinishedAsync(Result("SmokeTest", verified ? TargetStatus.Succeeded : TargetStatus.Failed), CancellationToken.None);
    }

    [Fact]
    public async Task A_verified_production_deployment_retires_the_previous_one_and_staging_leaves_it_to_GitHub()
    {
        var warnings = new List<string>();
        await DeployAsync(Tracker("aaaaaaa1", "prod", production: true, warnings));
        await DeployAsync(Tracker("bbbbbbb2", "prod", production: true, warnings));
        await DeployAsync(Tracker("ccccccc3", "staging", production: false, warnings));
        await DeployAsync(Tracker("ddddddd4", "staging", production: false, warnings));

        Assert.Empty(warnings);
        var prod = _github.DeploymentsOf("prod");
        Assert.Equal(["in_progress", "success", "inactive"], prod[0].States);
        Assert.Equal(["in_progress", "success"], prod[1].States);
        Assert.All(prod, d => Assert.True(d.Production));
        Assert.All(_github.DeploymentsOf("staging"), d => Assert.Equal(["in_progress", "success"], d.States));
    }

    [Fact]
    public async Task A_failed_smoke_test_in_a_later_job_finds_the_runs_deployment_and_GitHub_failing_is_a_warning()
    {
        var warnings = new List<string>();
        var applyJob = Tracker("eeeeeee5", "dev", production: false, warnings);
        await applyJob.TargetStartingAsync("TerraformApply", CancellationToken.None);
        await applyJob.TargetFinishedAsync(Result("TerraformApply", TargetStatus.Succeeded), CancellationToken.None);
        // The smoke test is its own CircleCI job: a new process, which finds the deployment by commit and environment.
        await Tracker("eeeeeee5", "dev", production: false, warnings).TargetFinishedAsync(Result("SmokeTest", TargetStatus.Failed), CancellationToken.None);
        _github.FailNext("POST /repos/acme/infra/deployments", 10, 502);
        await Tracker("fffffff6", "dev", production: false, warnings).TargetStartingAsync("TerraformApply", CancellationToken.None);

        Assert.Equal(["in_progress", "failure"], Assert.Single(_github.DeploymentsOf("dev")).States);
        Assert.Contains(warnings, w => w.StartsWith("GitHub deployment update failed, continuing:", StringComparison.Ordinal));
    }
}
