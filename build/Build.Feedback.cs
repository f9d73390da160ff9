using BuildEngine;
using BuildEngine.CircleCi;
using BuildEngine.Execution;
using BuildEngine.Parameters;
using Pipeline.Feedback;
using Pipeline.Feedback.GitHub;
using Pipeline.Feedback.Slack;

namespace Pipeline;

/// <summary>GitOps feedback: commit statuses and the plan comment on GitHub, a Slack thread per run, branch protection.</summary>
partial class Build
{
    [Parameter("GitHub token (commit statuses, pull requests, issues for DriftCheck, administration for ProtectBranch)", EnvironmentVariable = "GITHUB_TOKEN"), Secret] readonly string? GitHubToken;
    [Parameter("GitHub App id (or client id) the pipeline gets a one-hour token from, instead of GITHUB_TOKEN", EnvironmentVariable = "GITHUB_APP_ID"), GitHubAppId] readonly string? GitHubAppId;
    [Parameter("The GitHub App's private key (PEM, or the PEM in base64)", EnvironmentVariable = "GITHUB_APP_PRIVATE_KEY"), Secret, MultiLine] readonly string? GitHubAppPrivateKey;
    [Parameter("File holding the GitHub App's private key (PEM)", EnvironmentVariable = "GITHUB_APP_PRIVATE_KEY_FILE"), ExistingFile] readonly AbsolutePath? GitHubAppPrivateKeyFile;
    [Parameter("GitHub API base address (GitHub Enterprise: https://host/api/v3)", EnvironmentVariable = "GITHUB_API_URL"), Url] readonly string GitHubApiUrl = "https://api.github.com";
    [Parameter("GitHub repository as owner/name (default: CircleCI's project)", EnvironmentVariable = "GITHUB_REPOSITORY"), GitHubRepository] readonly string? GitHubRepository;
    [Parameter("Slack bot token (chat:write, channels:history)"), Secret] readonly string? SlackToken;
    [Parameter("Slack channel ID (C0123…) the bot posts in"), SlackChannel] readonly string? SlackChannel;
    [Parameter("Slack incoming-webhook URL, when there is no bot token (no threads)"), Secret, Url] readonly string? SlackWebhookUrl;
    [Parameter("Slack Web API base address"), Url] readonly string SlackApiUrl = "https://slack.com/api";
    [Parameter("First retry delay of GitHub and Slack calls in milliseconds"), Range(0, 60_000)] readonly int FeedbackRetryBaseDelayMs = 1000;
    [Parameter("ProtectBranch only shows what it would change")] readonly bool ProtectPreview;
    [Parameter("ProtectBranch: approving reviews a pull request needs"), Range(0, 6)] readonly int RequiredApprovals = 1;

    (string Owner, string Name)? Repository =>
        GitHubRepository?.Split('/') is [var owner, var name] ? (owner, name)
        : Ci.RepositoryOwner is { } o && Ci.RepositoryName is { } n ? (o, n) : null;

    FeedbackRun FeedbackRun => new()
    {
        RunId = Ci.WorkflowId ?? LocalRunId,
        Project = ProjectName,
        Environment = DeployEnvironment,
        Commit = Ci.Commit,
        Branch = Ci.Branch,
        Workflow = Ci.WorkflowId is null ? null : EnvironmentVariables.GetValueOrDefault("CIRCLE_WORKFLOW_NAME") ?? Ci.WorkflowId,
        WorkflowUrl = Ci.WorkflowId is null ? null : $"https://app.circleci.com/pipelines/workflows/{Ci.WorkflowId}",
        BuildUrl = Ci.BuildUrl,
        PullRequestNumber = Ci.PullRequestNumber,
        PullRequestUrl = Ci.PullRequestUrl,
    };

    string LocalRunId => _localRunId ??= Guid.NewGuid().ToString("N");
    string? _localRunId;

    GitHubFeedback? _gitHub;

    /// <summary>GitHub as a GitHub App when one is configured (a token per run), else with GITHUB_TOKEN; one client per run.</summary>
    GitHubFeedback? GitHub => _gitHub ??= Repository is { } repository && (GitHubAppClient(repository) ?? GitHubTokenClient()) is { } client
        ? new GitHubFeedback(client, repository.Owner, repository.Name,
            FeedbackResilience.Create(GitHubFeedback.Classify, m => Output.Warning($"GitHub: {m}"), TimeSpan.FromMilliseconds(FeedbackRetryBaseDelayMs)))
        : null;

    Octokit.IGitHubClient? GitHubTokenClient() => GitHubToken is { Length: > 0 } token ? GitHubFeedback.CreateClient(GitHubApiUrl, token) : null;

    SlackClient? Slack => SlackToken is { Length: > 0 } || SlackWebhookUrl is { Length: > 0 }
        ? new SlackClient(new HttpClient { Timeout = TimeSpan.FromSeconds(15) }, SlackApiUrl, SlackToken is { Length: > 0 } ? SlackToken : null, SlackWebhookUrl,
            FeedbackResilience.Create(SlackClient.Classify, m => Output.Warning($"Slack: {m}"), TimeSpan.FromMilliseconds(FeedbackRetryBaseDelayMs)))
        : null;

    /// <summary>The profile a target's CircleCI job runs with, which names its status context.</summary>
    string? ProfileOf(string target) => CircleCi.ProfileScoped.Contains(target) ? DeployEnvironment : null;

    protected override IEnumerable<ITargetObserver> CreateObservers() =>
        [OidcTokenRenewal, .. FeedbackObservers(), .. DeploymentTracker is { } deployments ? [deployments] : Array.Empty<ITargetObserver>()];

    IEnumerable<ITargetObserver> FeedbackObservers()
    {
        var github = GitHub;
        var slack = Slack;
        if (github is null && slack is null)
        {
            Output.Info("Feedback is off: set GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY or GITHUB_TOKEN (on CircleCI) and SLACK_TOKEN + SLACK_CHANNEL or SLACK_WEBHOOK_URL to report to GitHub and Slack.");
            return [];
        }
        if (github is null) Output.Info("GitHub feedback is off: no GitHub App (GITHUB_APP_ID) or GITHUB_TOKEN, or no repository (CircleCI's or --git-hub-repository).");
        if (slack is null) Output.Info("Slack feedback is off: no SLACK_TOKEN or SLACK_WEBHOOK_URL.");
        return [new PipelineFeedback(FeedbackRun, github, slack, SlackChannel, RunEarliestStartAsync, ProfileOf, Secrets.Apply, m => Output.Warning(m))
        {
            ThreadOnlyTargets = new HashSet<string> { nameof(DriftCheck) }, // DriftTracker tells Slack when the drift state changes
        }];
    }

    DriftTracker DriftTracker => new(FeedbackRun, GitHub, Slack, SlackChannel, Secrets.Apply, m => Output.Info(m), m => Output.Warning(m));

    /// <summary>
    /// A run cannot start before its commit was made: its commit time (a day earlier, for clocks that disagree)
    /// bounds the search for the run's Slack message. Without git history the search reaches back 90 days.
    /// </summary>
    async Task<DateTimeOffset> RunEarliestStartAsync(CancellationToken cancellationToken)
    {
        var fallback = DateTimeOffset.UtcNow.AddDays(-90);
        if (Ci.Commit is null || !BuildEngine.Processes.ToolRunner.IsInstalled("git", EnvironmentVariables))
            return fallback;
        var result = await Tools.RunAsync(new BuildEngine.Processes.ToolInvocation("git", ["show", "-s", "--format=%ct", Ci.Commit])
        {
            WorkingDirectory = RootDirectory,
            EchoOutput = false,
        }, cancellationToken);
        return result.ExitCode == 0 && long.TryParse(result.Output.Trim(), out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).AddDays(-1)
            : fallback;
    }

    /// <summary>The plan as one pull-request comment, edited on every push. Never fails the plan.</summary>
    async Task PublishPlanCommentAsync(string summaryMarkdown, string planText, string policySection, CancellationToken cancellationToken)
    {
        if (GitHub is not { } github || Ci.PullRequestNumber is not { } pullRequest)
            return;
        try
        {
            var body = Secrets.Apply(PlanComment.Build(DeployEnvironment, Ci.Commit ?? "unknown", summaryMarkdown, planText, Ci.BuildUrl, policySection));
            var created = await github.UpsertCommentAsync(pullRequest, PlanComment.Marker(DeployEnvironment), body, cancellationToken);
            Output.Info($"{(created ? "Posted" : "Updated")} the plan comment on pull request #{pullRequest}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Output.Warning($"GitHub plan comment failed, continuing: {e.Message}");
        }
    }

    /// <summary>Main requires pull requests and exactly the checks the pull-request workflow produces.</summary>
    async Task ProtectMainBranchAsync(CancellationToken cancellationToken)
    {
        var github = GitHub ?? throw new InvalidOperationException("ProtectBranch needs a GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY) or GITHUB_TOKEN, and a repository (--git-hub-repository owner/name on a laptop).");
        var pullRequestWorkflow = CircleCiGenerator.Generate(Graph, CircleCi).Workflows.Single(w => w.Name == "pull-request");
        var contexts = pullRequestWorkflow.Jobs.Where(j => !j.IsApproval).Select(j => StatusContexts.For(j.Job, j.Profile)).ToList();
        var policy = new BranchProtectionPolicy(contexts, RequiredApprovals, Strict: true);
        var differences = policy.Differences(await github.ProtectionAsync(MainBranch, cancellationToken));
        if (differences.Count == 0)
        {
            Output.Success($"{MainBranch} is already protected as required ({contexts.Count} checks).");
            Summaries.Set(nameof(ProtectBranch), "already protected");
            return;
        }
        foreach (var difference in differences)
            Output.Info($"{(ProtectPreview ? "would fix" : "fixing")}: {difference}");
        if (!ProtectPreview)
        {
            await github.ProtectAsync(MainBranch, policy, cancellationToken);
            var remaining = policy.Differences(await github.ProtectionAsync(MainBranch, cancellationToken));
            if (remaining.Count > 0)
                throw new InvalidOperationException($"ProtectBranch: GitHub accepted the update, but {MainBranch}'s protection read back still differs: {string.Join("; ", remaining)}.");
            Output.Success($"{MainBranch} is protected as required (read back: {contexts.Count} checks, {RequiredApprovals} approval(s)).");
        }
        Summaries.Set(nameof(ProtectBranch), $"{(ProtectPreview ? "preview: would change" : "changed")} {differences.Count} setting(s)");
    }
}
