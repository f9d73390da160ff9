using System.Text.Json;
using Tests.Doubles.GitHub;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Status;

/// <summary>
/// Status against moto's SSM history (the verified-image ledger) and state lock, and our GitHub server for the
/// deployments and the drift issue (GitHub has no local peer). Each source may fail alone; the report goes on.
/// </summary>
public sealed class StatusTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Token = "ghp_StatusTestToken0123456789abcdef";
    private const string Older = "ami-0aaaaaaaaaaaaaaa1";
    private const string Newer = "ami-0bbbbbbbbbbbbbbb2";
    private readonly TerraformJobs _jobs = new(moto);
    private readonly GitHubServer _github = new(Token);

    public async Task InitializeAsync()
    {
        await _jobs.StartAsync();
        await moto.SeedAsync("put-parameter", "/gitops-demo/dev/ami-id", Older, "Verified by SmokeTest: commit 1111111aaaa, plan sha256 x, at 2026-11-30T10:00:00Z");
        await moto.SeedAsync("put-parameter", "/gitops-demo/dev/ami-id", Newer, "Verified by SmokeTest: commit 2222222bbbb, plan sha256 y, at 2026-12-01T10:00:00Z");
        await moto.SeedAsync("put-parameter", "/gitops-demo/staging/ami-id", Older, "Verified by SmokeTest: commit 1111111aaaa, plan sha256 x, at 2026-11-30T11:00:00Z");
        var deployment = new RecordedDeployment(7, "2222222bbbb", "2222222bbbb", "dev", "deploy", false, "Deploy", new(), new(), DateTime.UtcNow.AddHours(-3));
        deployment.Statuses.Enqueue(new("success", "verified", "http://dev.example/", "https://circleci.com/job/9", DateTime.UtcNow.AddHours(-2)));
        _github.Deployments[7] = deployment;
        _github.Issues[1] = new RecordedIssue(1, "Drift: staging differs", "<!-- toolchain:drift:staging -->", ["drift"], "open", null, DateTime.UtcNow.AddDays(-1));
    }

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        _github.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Environment() => _jobs.Main("3333333cccc",
        ("GITHUB_TOKEN", Token), ("GITHUB_API_URL", _github.Url), ("CIRCLE_PROJECT_USERNAME", "acme"), ("CIRCLE_PROJECT_REPONAME", "infra"),
        ("FEEDBACK_RETRY_BASE_DELAY_MS", "5"));

    private static Dictionary<string, JsonElement> Rows(PipelineRun run) =>
        JsonDocument.Parse(File.ReadAllText(run.Temp / "status" / "status.json")).RootElement.EnumerateArray()
            .ToDictionary(r => r.GetProperty("environment").GetString()!, r => r);

    private static string? Value(JsonElement row, string cell) => row.GetProperty(cell).GetProperty("value").GetString();

    [SkippableFact]
    public async Task One_row_per_environment_says_what_runs_what_verified_it_and_what_a_rollback_would_choose()
    {
        var run = _jobs.Checkout();

        var json = await TerraformJobs.Succeeds(run.RunAsync(["Status", "--status-format", "json"], Environment()));
        var table = await TerraformJobs.Succeeds(run.RunAsync(["Status"], Environment()));

        var rows = Rows(run);
        Assert.Equal(["dev", "staging", "prod"], rows.Keys);
        Assert.Equal(Newer, Value(rows["dev"], "live_image"));
        Assert.Equal("2222222bbbb at 2026-12-01 10:00 UTC", Value(rows["dev"], "verified"));
        Assert.Equal($"{Older} (1111111aaaa)", Value(rows["dev"], "rollback_target"));
        Assert.StartsWith("success: deploy 2222222", Value(rows["dev"], "deployment"));
        Assert.Equal("http://dev.example/", rows["dev"].GetProperty("deployment").GetProperty("url").GetString());
        Assert.Equal("none open", Value(rows["dev"], "drift_issue"));
        Assert.Equal("not locked", Value(rows["dev"], "state_lock"));
        Assert.Equal(Older, Value(rows["staging"], "live_image"));
        Assert.Equal("—", Value(rows["staging"], "rollback_target"));
        Assert.StartsWith("#1 since", Value(rows["staging"], "drift_issue"));
        Assert.Equal("—", Value(rows["prod"], "live_image"));
        Assert.Equal("—", Value(rows["prod"], "deployment"));
        Assert.Contains(json.Output.Split('\n'), l => l.Contains("\"environment\": \"prod\""));
        Assert.Matches(@"dev\s+ami-0bbbbbbbbbbbbbbb2\s+2222222bbbb at 2026-12-01 10:00 UTC\s+ami-0aaaaaaaaaaaaaaa1 \(1111111aaaa\)\s+success: deploy 2222222", table.Output);
    }

    [SkippableFact]
    public async Task GitHub_answering_502_and_AWS_unreachable_are_said_in_their_cells_and_the_target_succeeds()
    {
        var run = _jobs.Checkout();
        _github.FailNext("GET /repos/acme/infra/deployments", 100, 502);

        var markdown = await TerraformJobs.Succeeds(run.RunAsync(["Status", "--status-format", "md"], Environment()));
        var environment = Environment();
        environment["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPorts.Reserve()}";
        var noAws = await TerraformJobs.Succeeds(run.RunAsync(["Status", "--status-format", "json"], environment));

        Assert.Contains("| environment | live image |", markdown.Output);
        Assert.Contains("GitHub unavailable", File.ReadAllText(run.Temp / "status" / "status.md"));
        Assert.Contains($"| dev | {Newer} |", markdown.Output);
        var rows = Rows(run);
        Assert.All(rows.Values, r => Assert.StartsWith("AWS unavailable", r.GetProperty("live_image").GetProperty("unavailable").GetString()));
        Assert.False(rows["dev"].GetProperty("live_image").GetProperty("available").GetBoolean());
        Assert.Equal("none open", Value(rows["dev"], "drift_issue"));
    }
}
