using System.Net;
using Octokit;
using Polly;

namespace Pipeline.Feedback.GitHub;

/// <summary>What a commit status says: pending, success or failure.</summary>
public enum StatusState { Pending, Success, Failure }

/// <summary>
/// GitHub through Octokit, every call through the feedback Polly pipeline: commit statuses, the plan comment on the
/// pull request, branch protection.
/// </summary>
public sealed class GitHubFeedback(IGitHubClient client, string owner, string repository, ResiliencePipeline resilience)
{
    /// <summary>GitHub's limit for a status description.</summary>
    private const int DescriptionLimit = 140;

    /// <summary>Octokit with a personal or fine-grained token.</summary>
    public static IGitHubClient CreateClient(string apiUrl, string token) =>
        new GitHubClient(CreateConnection(apiUrl, new Octokit.Internal.InMemoryCredentialStore(new Credentials(token))));

    /// <summary>Octokit with a GitHub App's installation token, asked again once when GitHub refuses it.</summary>
    public static IGitHubClient CreateClient(string apiUrl, GitHubAppInstallation installation) =>
        new GitHubClient(CreateConnection(apiUrl, installation, inner => new InstallationTokenRenewal(inner, installation)));

    internal static Connection CreateConnection(string apiUrl, ICredentialStore credentials, Func<HttpMessageHandler, HttpMessageHandler>? inner = null)
    {
        var http = new Octokit.Internal.HttpClientAdapter(() =>
        {
            var handler = Octokit.Internal.HttpMessageHandlerFactory.CreateDefault();
            return new GitHubJsonCheck(inner is null ? handler : inner(handler));
        });
        return new Connection(new ProductHeaderValue("gitops-toolchain"), new Uri(apiUrl), credentials, http, new Octokit.Internal.SimpleJsonSerializer());
    }

    /// <summary>The repository's deployments, through the same client and retries.</summary>
    public GitHubDeployments Deployments => new(client, owner, repository, resilience);

    public static TransientFeedbackException? Classify(Exception exception) => exception switch
    {
        SecondaryRateLimitExceededException e => new("GitHub secondary rate limit", HttpStatusCode.Forbidden, RetryAfter(e) ?? TimeSpan.FromSeconds(5)),
        RateLimitExceededException e => new("GitHub rate limit", HttpStatusCode.Forbidden, e.Reset - DateTimeOffset.UtcNow),
        ApiException { StatusCode: HttpStatusCode.TooManyRequests } e => new("GitHub answered 429", e.StatusCode, RetryAfter(e)),
        ApiException e when (int)e.StatusCode >= 500 => new($"GitHub answered {(int)e.StatusCode}", e.StatusCode, RetryAfter(e)),
        _ => null,
    };

    private static TimeSpan? RetryAfter(ApiException e) =>
        e.HttpResponse?.Headers is { } headers && headers.TryGetValue("Retry-After", out var value) ? FeedbackResilience.ParseRetryAfter(value) : null;

    public async Task SetStatusAsync(string commit, string context, StatusState state, string description, string? targetUrl, CancellationToken cancellationToken)
    {
        var status = new NewCommitStatus
        {
            State = state switch { StatusState.Pending => CommitState.Pending, StatusState.Success => CommitState.Success, _ => CommitState.Failure },
            Context = context,
            Description = description.Length > DescriptionLimit ? description[..(DescriptionLimit - 1)] + "…" : description,
            TargetUrl = targetUrl,
        };
        await resilience.ExecuteAsync(async _ => await client.Repository.Status.Create(owner, repository, commit, status), cancellationToken);
    }

    /// <summary>Edits the comment carrying <paramref name="marker"/>, or creates it: one comment per plan, however many pushes.</summary>
    public async Task<bool> UpsertCommentAsync(int pullRequest, string marker, string body, CancellationToken cancellationToken)
    {
        var comments = await resilience.ExecuteAsync(async _ => await client.Issue.Comment.GetAllForIssue(owner, repository, pullRequest), cancellationToken);
        var existing = comments.FirstOrDefault(c => c.Body?.Contains(marker, StringComparison.Ordinal) == true);
        if (existing is null)
        {
            await resilience.ExecuteAsync(async _ => await client.Issue.Comment.Create(owner, repository, pullRequest, body), cancellationToken);
            return true;
        }
        await resilience.ExecuteAsync(async _ => await client.Issue.Comment.Update(owner, repository, existing.Id, body), cancellationToken);
        return false;
    }

    /// <summary>The open issue (not pull request) labelled <paramref name="label"/> whose body carries <paramref name="marker"/>.</summary>
    public async Task<Issue?> FindOpenIssueAsync(string marker, string label, CancellationToken cancellationToken)
    {
        var request = new RepositoryIssueRequest { State = ItemStateFilter.Open };
        request.Labels.Add(label);
        var issues = await resilience.ExecuteAsync(async _ => await client.Issue.GetAllForRepository(owner, repository, request), cancellationToken);
        return issues.Where(i => i.PullRequest is null && i.Body?.Contains(marker, StringComparison.Ordinal) == true).OrderBy(i => i.Number).FirstOrDefault();
    }

    public async Task<Issue> CreateIssueAsync(string title, string body, string label, CancellationToken cancellationToken)
    {
        var issue = new NewIssue(title) { Body = body };
        issue.Labels.Add(label);
        return await resilience.ExecuteAsync(async _ => await client.Issue.Create(owner, repository, issue), cancellationToken);
    }

    public async Task UpdateIssueAsync(int number, string title, string body, CancellationToken cancellationToken) =>
        await resilience.ExecuteAsync(async _ => await client.Issue.Update(owner, repository, number, new IssueUpdate { Title = title, Body = body }), cancellationToken);

    public async Task CommentAsync(int number, string comment, CancellationToken cancellationToken) =>
        await resilience.ExecuteAsync(async _ => await client.Issue.Comment.Create(owner, repository, number, comment), cancellationToken);

    /// <summary>Says why in a comment, then closes the issue as completed.</summary>
    public async Task CommentAndCloseAsync(int number, string comment, CancellationToken cancellationToken)
    {
        await CommentAsync(number, comment, cancellationToken);
        await resilience.ExecuteAsync(async _ => await client.Issue.Update(owner, repository, number,
            new IssueUpdate { State = ItemState.Closed, StateReason = ItemStateReason.Completed }), cancellationToken);
    }

    public async Task CommitCommentAsync(string commit, string body, CancellationToken cancellationToken) =>
        await resilience.ExecuteAsync(async _ => await client.Repository.Comment.Create(owner, repository, commit, new NewCommitComment(body)), cancellationToken);

    /// <summary>The branch's protection now, or null when it has none.</summary>
    public async Task<BranchProtectionSettings?> ProtectionAsync(string branch, CancellationToken cancellationToken)
    {
        try
        {
            return await resilience.ExecuteAsync(async _ => await client.Repository.Branch.GetBranchProtection(owner, repository, branch), cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    public async Task ProtectAsync(string branch, BranchProtectionPolicy policy, CancellationToken cancellationToken)
    {
        var update = new BranchProtectionSettingsUpdate(
            new BranchProtectionRequiredStatusChecksUpdate(policy.Strict, policy.Contexts),
            new BranchProtectionRequiredReviewsUpdate(dismissStaleReviews: true, requireCodeOwnerReviews: false, policy.RequiredApprovals, requireLastPushApproval: false),
            restrictions: null,
            enforceAdmins: false);
        await resilience.ExecuteAsync(async _ => await client.Repository.Branch.UpdateBranchProtection(owner, repository, branch, update), cancellationToken);
    }
}

/// <summary>What main's protection must require: pull requests with approvals, these checks, an up-to-date branch.</summary>
public sealed record BranchProtectionPolicy(IReadOnlyList<string> Contexts, int RequiredApprovals, bool Strict)
{
    /// <summary>The differences between the branch's protection now and this policy; empty when it already holds.</summary>
    public IReadOnlyList<string> Differences(BranchProtectionSettings? current)
    {
        if (current is null)
            return ["the branch is not protected"];
        var differences = new List<string>();
        var checks = current.RequiredStatusChecks;
        var have = (checks?.Contexts ?? []).Order(StringComparer.Ordinal).ToList();
        var want = Contexts.Order(StringComparer.Ordinal).ToList();
        foreach (var missing in want.Except(have)) differences.Add($"required check {missing} is missing");
        foreach (var extra in have.Except(want)) differences.Add($"required check {extra} is not produced by the pull-request workflow");
        if ((checks?.Strict ?? false) != Strict) differences.Add(Strict ? "branches are not required to be up to date" : "branches are required to be up to date");
        var reviews = current.RequiredPullRequestReviews;
        if (reviews is null) differences.Add("pull requests are not required");
        else if (reviews.RequiredApprovingReviewCount < RequiredApprovals) differences.Add($"{reviews.RequiredApprovingReviewCount} approvals required, not {RequiredApprovals}");
        return differences;
    }
}
