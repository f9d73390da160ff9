using BuildEngine;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Feedback;

/// <summary>
/// Nightly DriftCheck runs (each a separate run, as each night is its own CircleCI workflow) with the real terraform
/// on the test module, its state on moto, reporting to the local GitHub and Slack servers (neither has a real peer
/// offline; they speak the REST and Web API shapes Octokit and our Slack client use).
/// </summary>
public sealed class DriftIssueTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly TerraformJobs _jobs = new(moto);
    private readonly FeedbackFixture _services = new();

    public Task InitializeAsync() => _jobs.StartAsync();

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        _services.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Night(int night)
    {
        var environment = _jobs.Main("c0ffee1");
        foreach (var (key, value) in _services.Environment("c0ffee1", "main", pullRequest: null, workflow: $"wf-nightly-{night}", job: "DriftCheck-dev"))
            environment[key] = value;
        environment["CIRCLE_BUILD_URL"] = $"https://circleci.com/gh/acme/infra/{900 + night}";
        return environment;
    }

    [SkippableFact]
    public async Task A_drifted_environment_opens_one_issue_updates_it_each_night_comments_when_the_drift_changes_and_closes_it_when_clean_with_two_Slack_messages()
    {
        var job = _jobs.Checkout();
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], _jobs.Main("c0ffee1")));
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformApply", "--skip"], _jobs.Main("c0ffee1")));
        var clean = await TerraformJobs.Succeeds(job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(0)));
        Assert.Empty(_services.GitHub.Issues);
        Assert.Empty(_services.Slack.Messages);

        // Someone changed the environment's variables on main without a reviewed plan being applied.
        var variables = job.Root / "infra" / "environments" / "dev.tfvars";
        var original = File.ReadAllText(variables);
        File.WriteAllText(variables, original.Replace("t3.micro", "t3.large"));
        var first = await job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(1));
        var opened = Assert.Single(_services.GitHub.Issues.Values);
        var second = await job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(2));
        var updated = Assert.Single(_services.GitHub.Issues.Values);
        Assert.Empty(_services.GitHub.CommentsOn(1)); // the same drift: the issue is updated, nobody is pinged
        var more = Night(3);
        more["TF_VAR_apply_delay_trigger"] = "changed-by-hand"; // a second resource now differs too
        await job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], more);
        Assert.Single(_services.GitHub.Issues);
        Assert.StartsWith("The drift changed", Assert.Single(_services.GitHub.CommentsOn(1)));
        Assert.Single(_services.Slack.Messages);
        File.WriteAllText(variables, original);
        var fixedNight = await TerraformJobs.Succeeds(job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(4)));

        Assert.Equal(ExitCodes.TargetFailed, first.ExitCode);
        Assert.Equal(ExitCodes.TargetFailed, second.ExitCode);
        Assert.Equal(["drift"], opened.Labels);
        Assert.Equal("Drift: dev differs from its Terraform configuration", opened.Title);
        Assert.StartsWith("<!-- toolchain:drift:dev -->", opened.Body);
        Assert.Contains("**A plan now would:** 0 to add, 1 to change, 0 to destroy, 0 to replace", opened.Body);
        Assert.Contains("https://circleci.com/gh/acme/infra/901", opened.Body);
        Assert.Contains("https://circleci.com/gh/acme/infra/902", updated.Body);
        Assert.Contains("Drift issue #1 updated", second.Output);
        var closed = Assert.Single(_services.GitHub.Issues.Values);
        Assert.Equal(("closed", "completed"), (closed.State, closed.StateReason));
        Assert.StartsWith("No drift any more: dev matches its Terraform configuration", _services.GitHub.CommentsOn(1)[^1]);
        Assert.Contains("Closed drift issue #1", fixedNight.Output);
        var messages = _services.Slack.Messages.Values.OrderBy(m => m.Ts).Select(m => m.Text).ToList();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith(":rotating_light: dev has drifted: the configuration differs from what was applied; a plan now would: 0 to add, 1 to change", messages[0]);
        Assert.Contains("issue #1", messages[0]);
        Assert.StartsWith(":white_check_mark: dev no longer drifts: closed", messages[1]);
        Assert.All(_services.Slack.Messages.Values, m => Assert.Null(m.ThreadTs));

        // The next drift is a new episode: a new issue, a new message.
        File.WriteAllText(variables, original.Replace("t3.micro", "t3.small"));
        await job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(5));
        Assert.Equal(2, _services.GitHub.Issues.Count);
        Assert.Equal(3, _services.Slack.Messages.Count);
        Assert.DoesNotContain(FeedbackFixture.GitHubToken, first.Output + second.Output + clean.Output);
    }

    [SkippableFact]
    public async Task Right_after_an_apply_DriftCheck_replies_in_the_deploy_runs_thread_and_never_starts_one()
    {
        var job = _jobs.Checkout();
        var deploy = Night(0);
        deploy["CIRCLE_WORKFLOW_ID"] = "wf-deploy";
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip", "--profile", "dev"], deploy));
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformApply", "--skip", "--profile", "dev"], deploy));
        await TerraformJobs.Succeeds(job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], deploy));
        await TerraformJobs.Succeeds(job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(1)));

        var parent = Assert.Single(_services.Slack.Parents);
        Assert.Equal("wf-deploy", parent.RunId);
        var replies = _services.Slack.Replies(parent.Ts).Select(r => r.Text).ToList();
        Assert.Contains(replies, r => r.StartsWith(":white_check_mark: DriftCheck-dev succeeded", StringComparison.Ordinal) && r.Contains("no drift"));
        Assert.Empty(_services.GitHub.Issues);
    }

    [SkippableFact]
    public async Task When_GitHub_fails_the_drift_is_still_reported_in_the_log_and_Slack_and_the_check_still_fails()
    {
        var job = _jobs.Checkout();
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], _jobs.Main("c0ffee1")));
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformApply", "--skip"], _jobs.Main("c0ffee1")));
        var variables = job.Root / "infra" / "environments" / "dev.tfvars";
        File.WriteAllText(variables, File.ReadAllText(variables).Replace("t3.micro", "t3.large"));
        _services.GitHub.FailNext("POST /repos/acme/infra/issues", 20, 502);

        var drifted = await job.RunAsync(["DriftCheck", "--skip", "--profile", "dev"], Night(1));

        Assert.Equal(ExitCodes.TargetFailed, drifted.ExitCode);
        Assert.Contains("warning: GitHub drift issue feedback failed, continuing:", drifted.Output);
        Assert.Contains("error: DriftCheck failed: Drift detected:", drifted.Output);
        Assert.Empty(_services.GitHub.Issues);
        Assert.StartsWith(":rotating_light: dev has drifted", Assert.Single(_services.Slack.Messages.Values).Text);
    }
}
