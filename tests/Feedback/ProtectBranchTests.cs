using Tests.Doubles;

namespace Tests.Feedback;

/// <summary>
/// ProtectBranch against servers that are not GitHub, or that do not keep what they accept: our own local servers,
/// since the fault is the server's (an HTML page with 200, a protection that reads back unchanged), which no real
/// GitHub shows on purpose. Octokit's own HTTP and JSON handling runs unchanged.
/// </summary>
public sealed class ProtectBranchTests : IDisposable
{
    private readonly PipelineRun _run = new(".nuke");
    private readonly FeedbackFixture _services = new();

    public void Dispose()
    {
        _run.Dispose();
        _services.Dispose();
    }

    private Dictionary<string, string> Environment(string apiUrl)
    {
        var environment = _services.Environment();
        environment["GITHUB_API_URL"] = apiUrl;
        environment.Remove("SLACK_TOKEN");
        return environment;
    }

    [Fact]
    public async Task A_web_server_answering_HTML_with_200_fails_in_one_line_naming_the_endpoint_and_nothing_is_reported_done()
    {
        using var website = new LocalHttpServer(_ => new ServerResponse(200, "<!DOCTYPE html><html><body>Welcome</body></html>", "text/html; charset=utf-8"));

        var outcome = await _run.RunAsync(["ProtectBranch"], Environment(website.Url));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"GitHub API GET {website.Url}/repos/acme/infra/branches/main/protection answered HTTP 200 with text/html, not GitHub's JSON", outcome.Output);
        Assert.DoesNotContain("fixing:", outcome.Output);
        Assert.DoesNotContain("changed", outcome.Output);
        Assert.DoesNotContain(website.Requests, r => r.Method == "PUT");
        Assert.Single(outcome.Output.Split('\n'), l => l.StartsWith("error: ProtectBranch failed:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_protection_that_reads_back_unchanged_after_the_update_fails()
    {
        // Accepts every update with GitHub's 200 and JSON, but keeps nothing: the branch still reads as unprotected.
        using var forgetful = new LocalHttpServer(request => request.Method == "PUT"
            ? new ServerResponse(200, """{ "url": "https://api.github.com/repos/acme/infra/branches/main/protection" }""")
            : new ServerResponse(404, """{ "message": "Branch not protected", "documentation_url": "https://docs.github.com/rest" }"""));

        var outcome = await _run.RunAsync(["ProtectBranch"], Environment(forgetful.Url));

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("fixing: the branch is not protected", outcome.Output);
        Assert.Contains("GitHub accepted the update, but main's protection read back still differs: the branch is not protected", outcome.Output);
        Assert.Equal(2, forgetful.Requests.Count(r => r.Method == "GET"));
    }
}
