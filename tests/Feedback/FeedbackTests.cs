using BuildEngine;
using Pipeline.Feedback.GitHub;
using Tests.Engine;

namespace Tests.Feedback;

/// <summary>TerraformPlan and ProtectBranch reporting to local GitHub and Slack servers, in-process.</summary>
public sealed class FeedbackTests : IDisposable
{
    private readonly PipelineRun _run = new("infra", ".nuke");
    private readonly FeedbackFixture _services = new();
    private readonly string _terraformLog = Path.GetTempPath() + "tf-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        _run.Dispose();
        _services.Dispose();
        File.Delete(_terraformLog);
    }

    private Dictionary<string, string> Environment(string commit = "c0ffee1")
    {
        var environment = _services.Environment(commit);
        return FeedbackFixture.WithTerraformDouble(environment, _terraformLog);
    }

    private async Task<RunOutcome> PlanAsync(string commit = "c0ffee1")
    {
        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], Environment(commit));
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    [Fact]
    public async Task A_plan_sets_its_status_and_one_comment_that_later_pushes_edit()
    {
        await PlanAsync("c0ffee1");

        var statuses = _services.GitHub.Statuses.Where(s => s.Context == "toolchain/terraform-plan/dev").ToList();
        Assert.Equal(["pending", "success"], statuses.Select(s => s.State));
        Assert.All(statuses, s => Assert.Equal("c0ffee1", s.Sha));
        Assert.StartsWith("succeeded in", statuses[1].Description);
        Assert.Contains("1 to add, 1 to change, 1 to destroy", statuses[1].Description);
        Assert.StartsWith("https://circleci.com/gh/acme/infra/", statuses[1].TargetUrl);
        var comment = Assert.Single(_services.GitHub.Comments).Value;
        Assert.Equal(42, comment.Issue);
        Assert.StartsWith(PlanComment.Marker("dev"), comment.Body);
        Assert.Contains("> [!WARNING]", comment.Body);
        Assert.Contains("<details><summary>Full plan</summary>", comment.Body);

        await PlanAsync("d15ea5e");

        var updated = Assert.Single(_services.GitHub.Comments).Value;
        Assert.Contains("Commit `d15ea5e`", updated.Body);
        Assert.Contains(_services.GitHub.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task The_run_has_one_Slack_message_and_a_reply_per_target()
    {
        await PlanAsync();
        await _run.RunAsync(["TerraformValidate"], Environment());

        var parent = Assert.Single(_services.Slack.Parents);
        Assert.Equal("wf-1", parent.RunId);
        Assert.Contains("gitops-demo", parent.Text);
        var replies = _services.Slack.Replies(parent.Ts).ToList();
        Assert.Contains(replies, r => r.Text.Contains("TerraformPlan-dev succeeded") && r.Text.Contains("1 to destroy"));
        Assert.Contains(replies, r => r.Text.Contains("TerraformValidate succeeded"));
        Assert.Contains(replies, r => r.Blocks.Contains("CircleCI job") && r.Blocks.Contains("pull request #42"));
    }

    [Fact]
    public async Task A_job_days_later_in_a_busy_channel_replies_in_the_runs_thread()
    {
        // Slack has no local peer: our server speaks its Web API, paging history as Slack documents it.
        // The plan job ran six days ago; an approval waited; 450 messages came in between.
        _services.Slack.SetClock(DateTimeOffset.UtcNow.AddDays(-6));
        await PlanAsync();
        _services.Slack.PostOthers("C0DEPLOYS", 450);
        _services.Slack.SetClock(DateTimeOffset.UtcNow.AddSeconds(-1));

        await _run.RunAsync(["TerraformValidate"], Environment());

        var parent = Assert.Single(_services.Slack.Parents, p => p.RunId is not null);
        Assert.Contains(_services.Slack.Replies(parent.Ts), r => r.Text.Contains("TerraformValidate succeeded"));
        var histories = _services.Slack.Requests.Where(r => r.Path.Contains("conversations.history")).ToList();
        Assert.Contains(histories, r => r.Body.Contains("cursor="));
    }

    [Fact]
    public async Task GitHub_answering_502_twice_and_Slack_429_with_Retry_After_are_survived()
    {
        _services.GitHub.FailNext("POST /repos/acme/infra/statuses", 2, 502);
        _services.Slack.RateLimitNext("chat.postMessage", 1, 1);

        var started = DateTime.UtcNow;
        var outcome = await PlanAsync();

        Assert.Equal(["pending", "success"], _services.GitHub.Statuses.Where(s => s.Context == "toolchain/terraform-plan/dev").Select(s => s.State));
        Assert.Contains("GitHub: GitHub answered 502; retry", outcome.Output);
        Assert.Contains("Slack: Slack chat.postMessage answered 429; retry 1 in 1 s", outcome.Output);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1));
        Assert.Single(_services.Slack.Parents);
    }

    [Fact]
    public async Task Slack_down_for_the_whole_run_does_not_fail_the_build()
    {
        _services.Slack.Down = true;

        var outcome = await PlanAsync();

        Assert.Contains("Slack feedback failed, continuing", outcome.Output);
        Expect.Matches(@"TerraformPlan\s+Succeeded", outcome.Output);
    }

    [Fact]
    public async Task Tokens_appear_in_no_output_log_comment_or_message()
    {
        var outcome = await PlanAsync();

        var everything = string.Join('\n', [outcome.Output, outcome.Log,
            .. _services.GitHub.Comments.Values.Select(c => c.Body),
            .. _services.Slack.Messages.Values.Select(m => m.Text + m.Blocks)]);
        Assert.DoesNotContain(FeedbackFixture.GitHubToken, everything);
        Assert.DoesNotContain(FeedbackFixture.SlackToken, everything);
    }

    [Fact]
    public async Task Without_tokens_the_build_runs_and_says_once_that_feedback_is_off()
    {
        var environment = Environment();
        foreach (var key in new[] { "GITHUB_TOKEN", "SLACK_TOKEN" }) environment.Remove(key);

        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], environment);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Single(outcome.Output.Split('\n'), l => l.StartsWith("Feedback is off"));
        Assert.Empty(_services.GitHub.Requests);
    }

    [Fact]
    public async Task ProtectBranch_requires_the_checks_of_the_pull_request_workflow_idempotently()
    {
        var preview = await _run.RunAsync(["ProtectBranch", "--protect-preview"], Environment());
        Assert.True(preview.ExitCode == 0, preview.Output);
        Assert.Contains("would fix: the branch is not protected", preview.Output);
        Assert.Equal(0, _services.GitHub.ProtectionUpdates);

        var first = await _run.RunAsync(["ProtectBranch"], Environment());
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(1, _services.GitHub.ProtectionUpdates);
        var contexts = _services.GitHub.Protection!["required_status_checks"]!["contexts"]!.AsArray().Select(c => (string)c!).Order().ToList();
        Assert.Equal(["toolchain/ansible-validate", "toolchain/packer-validate", "toolchain/policy-dev", "toolchain/policy-prod", "toolchain/policy-staging",
            "toolchain/terraform-plan/dev", "toolchain/terraform-plan/prod", "toolchain/terraform-plan/staging", "toolchain/terraform-validate", "toolchain/validate"], contexts);
        Assert.True((bool)_services.GitHub.Protection["required_status_checks"]!["strict"]!);

        var second = await _run.RunAsync(["ProtectBranch"], Environment());
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("main is already protected as required (10 checks)", second.Output);
        Assert.Equal(1, _services.GitHub.ProtectionUpdates);
    }

    [Fact]
    public void A_long_plan_is_cut_to_fit_GitHubs_limit_with_a_note()
    {
        var body = PlanComment.Build("prod", "0123456789abcdef", "| a |\n", new string('x', 200_000), null);

        Assert.True(body.Length <= PlanComment.GitHubLimit);
        Assert.Contains("plan cut to fit GitHub's comment limit", body);
        Assert.EndsWith("```\n</details>\n", body);
    }
}
