using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Feedback.GitHub;

namespace Pipeline;

/// <summary>GitHub through a GitHub App: no long-lived token in CI, each run's token only as strong as its targets need.</summary>
partial class Build
{
    /// <summary>The largest key file read: a 4096-bit PEM key is about 3.2 KB.</summary>
    const int LargestKeyFile = 64 * 1024;

    Octokit.IGitHubClient? GitHubAppClient((string Owner, string Name) repository)
    {
        if (GitHubAppId is null && GitHubAppPrivateKey is null && GitHubAppPrivateKeyFile is null)
            return null;
        if (GitHubAppId is null)
            throw new ParameterException("A GitHub App private key was given without --git-hub-app-id (GITHUB_APP_ID): expected the app's id from its settings page.");
        if (GitHubAppPrivateKey is { Length: > 0 } && GitHubAppPrivateKeyFile is not null)
            throw new ParameterException("Both --git-hub-app-private-key and --git-hub-app-private-key-file are set: expected one of them.");
        var (pem, source) = GitHubAppPrivateKey is { Length: > 0 } key ? (FromBase64IfNotPem(key), "--git-hub-app-private-key (GITHUB_APP_PRIVATE_KEY)")
            : GitHubAppPrivateKeyFile is { } file ? (ReadKeyFile(file), $"--git-hub-app-private-key-file {file}")
            : throw new ParameterException($"--git-hub-app-id {GitHubAppId} needs the app's private key: expected --git-hub-app-private-key (GITHUB_APP_PRIVATE_KEY) or --git-hub-app-private-key-file.");
        GitHubApp app;
        try
        {
            app = GitHubApp.FromPem(GitHubAppId, pem, source);
        }
        catch (GitHubAppException e)
        {
            throw new ParameterException(e.Message);
        }
        var permissions = GitHubAppPermissions(ScheduledTargets);
        if (GitHubToken is { Length: > 0 })
            Output.Info("GitHub: the GitHub App is configured, so GITHUB_TOKEN is not used.");
        Output.Info($"GitHub: as the GitHub App {GitHubAppId} on {repository.Owner}/{repository.Name}, with a token for this run ({GitHubAppInstallation.Describe(permissions)}).");
        var installation = new GitHubAppInstallation(app, GitHubApiUrl, repository.Owner, repository.Name, permissions, token => Secrets.Register(token));
        return GitHubFeedback.CreateClient(GitHubApiUrl, installation);
    }

    /// <summary>
    /// Only what the run's targets do: every target sets a commit status; plans comment on the pull request;
    /// DriftCheck keeps an issue; ProtectBranch changes the branch's protection; the lock targets comment on the commit.
    /// </summary>
    IReadOnlyDictionary<string, string> GitHubAppPermissions(IEnumerable<string> targets)
    {
        var permissions = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read", ["statuses"] = "write" };
        foreach (var target in targets)
        {
            if (target is nameof(TerraformPlan) or nameof(TerraformDestroy) or nameof(PolicyCheck)) permissions["pull_requests"] = "write";
            if (target is nameof(DriftCheck)) permissions["issues"] = "write";
            if (target is nameof(ProtectBranch)) permissions["administration"] = "write";
            if (target is nameof(ForceUnlock) or nameof(StateLock)) permissions["contents"] = "write"; // a comment on the commit
            if (target is nameof(TerraformApply) or nameof(AnsibleConfigure) or nameof(SmokeTest)) permissions["deployments"] = "write";
            if (target is nameof(Status)) (permissions["deployments"], permissions["issues"]) = (permissions.GetValueOrDefault("deployments", "read"), permissions.GetValueOrDefault("issues", "read"));
        }
        return permissions;
    }

    /// <summary>CircleCI's environment variables hold one line best, so a key may come base64-encoded.</summary>
    static string FromBase64IfNotPem(string key)
    {
        if (key.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
            return key;
        var bytes = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), bytes, out var written) ? System.Text.Encoding.UTF8.GetString(bytes, 0, written) : key;
    }

    static string ReadKeyFile(AbsolutePath file)
    {
        var length = new FileInfo(file).Length;
        if (length > LargestKeyFile)
            throw new ParameterException($"--git-hub-app-private-key-file {file} is {length} bytes: expected a PEM RSA private key (a few KB).");
        return FromBase64IfNotPem(File.ReadAllText(file));
    }
}
