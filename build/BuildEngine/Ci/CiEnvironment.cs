namespace BuildEngine.Ci;

/// <summary>
/// Where a run happens: on CircleCI (CIRCLECI=true) branch, commit, tag, pull request, links and repository come
/// from CircleCI's variables; elsewhere from the local checkout.
/// </summary>
public sealed record CiEnvironment
{
    public bool IsCircleCi { get; init; }
    public bool IsCi { get; init; }
    public string? Branch { get; init; }
    public string? Commit { get; init; }
    public string? Tag { get; init; }

    /// <summary>From CIRCLE_PULL_REQUEST's URL; empty on the first push of a branch, before a PR exists.</summary>
    public int? PullRequestNumber { get; init; }

    public string? PullRequestUrl { get; init; }
    public string? BuildUrl { get; init; }
    public string? Job { get; init; }
    public string? WorkflowId { get; init; }
    public string? RepositoryOwner { get; init; }
    public string? RepositoryName { get; init; }

    public static CiEnvironment Detect(IReadOnlyDictionary<string, string> environment, AbsolutePath root, bool isCi)
    {
        string? Get(string name) => environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        if (Get("CIRCLECI") == "true")
        {
            var pullRequestUrl = Get("CIRCLE_PULL_REQUEST");
            return new CiEnvironment
            {
                IsCircleCi = true,
                IsCi = true,
                Branch = Get("CIRCLE_BRANCH"),
                Commit = Get("CIRCLE_SHA1"),
                Tag = Get("CIRCLE_TAG"),
                PullRequestUrl = pullRequestUrl,
                PullRequestNumber = ParsePullRequestNumber(pullRequestUrl),
                BuildUrl = Get("CIRCLE_BUILD_URL"),
                Job = Get("CIRCLE_JOB"),
                WorkflowId = Get("CIRCLE_WORKFLOW_ID"),
                RepositoryOwner = Get("CIRCLE_PROJECT_USERNAME"),
                RepositoryName = Get("CIRCLE_PROJECT_REPONAME"),
            };
        }

        var git = GitRepository.Read(root);
        return new CiEnvironment { IsCi = isCi, Branch = git.Branch, Commit = git.Commit };
    }

    /// <summary>https://github.com/owner/repo/pull/42 → 42.</summary>
    public static int? ParsePullRequestNumber(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        var last = url.TrimEnd('/').Split('/')[^1];
        return int.TryParse(last, out var number) ? number : null;
    }
}
