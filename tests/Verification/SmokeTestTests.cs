using BuildEngine;
using Tests.Doubles;
using Tests.Doubles.Aws;
using Tests.Engine;

namespace Tests.Verification;

/// <summary>
/// SmokeTest against a local web server, recording the verified image on our local SSM: it can answer a write with
/// 200 and store it late, or never, as AWS's asynchronous validation of aws:ec2:image may (moto stores at once).
/// </summary>
public sealed class SmokeTestTests : IDisposable
{
    private const string Commit = "c0ffee1c0ffee1";
    private const string Image = "ami-0a1b2c3d4e5f60718";
    private readonly PipelineRun _run = new();
    private readonly AwsServer _aws = new();
    private readonly Queue<string> _served = new();
    private readonly LocalHttpServer _site;
    private string _lastServed = "";

    public SmokeTestTests()
    {
        _site = new LocalHttpServer(request =>
        {
            if (request.Path != "/version.txt") return new ServerResponse(404, "<html>not found</html>", "text/html");
            lock (_served)
                _lastServed = _served.Count > 0 ? _served.Dequeue() : _lastServed;
            return new ServerResponse(200, _lastServed + "\n", "text/plain");
        });
        var plan = _run.Temp / "terraform" / "dev";
        plan.CreateDirectory();
        File.WriteAllText(plan / "outputs.json", $$"""
            { "url": { "sensitive": false, "type": "string", "value": "{{_site.Url}}/" },
              "ami_id": { "sensitive": false, "type": "string", "value": "{{Image}}" } }
            """);
    }

    public void Dispose()
    {
        _run.Dispose();
        _aws.Dispose();
        _site.Dispose();
    }

    private Dictionary<string, string> Environment()
    {
        var environment = _aws.Environment();
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = Commit;
        environment["CIRCLE_BRANCH"] = "main";
        return environment;
    }

    private Task<RunOutcome> SmokeTestAsync(params string[] extra) =>
        _run.RunAsync(["SmokeTest", "--skip", "--smoke-test-poll-ms", "50", "--smoke-test-timeout-seconds", "3", .. extra], Environment());

    [Fact]
    public async Task A_site_that_comes_to_serve_the_commit_passes_and_only_then_the_image_is_recorded_as_verified()
    {
        _served.Enqueue("0ldc0mm1t");
        _served.Enqueue("0ldc0mm1t");
        _served.Enqueue(Commit);

        var outcome = await SmokeTestAsync();

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains($"Smoke test: GET {_site.Url}/version.txt: status 200 serving commit '0ldc0mm1t'; waiting for commit {Commit}", outcome.Output);
        var parameter = _aws.Ssm.Parameters["/gitops-demo/dev/ami-id"];
        Assert.Equal(Image, parameter.Value);
        Assert.Equal("aws:ec2:image", parameter.DataType);
        Assert.StartsWith($"Verified by SmokeTest: commit {Commit}, plan sha256 unknown, at ", parameter.Description);
        Expect.Matches($@"SmokeTest\s+Succeeded\s+[\d.]+ s\s+serves {Commit}; {Image} verified in dev", outcome.Output);
    }

    [Fact]
    public async Task A_site_serving_another_commit_fails_in_one_line_and_records_nothing()
    {
        _served.Enqueue("0ldc0mm1t");

        var outcome = await SmokeTestAsync();

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"error: SmokeTest failed: GET {_site.Url}/version.txt: status 200 serving commit '0ldc0mm1t' after 3 s; expected status 200 serving commit {Commit}; body: '0ldc0mm1t'", outcome.Output);
        Assert.Empty(_aws.Ssm.Parameters);
    }

    [Fact]
    public async Task An_address_nothing_listens_on_fails_naming_the_connection_error()
    {
        var closed = Peers.LoopbackPorts.Reserve();

        var outcome = await SmokeTestAsync("--smoke-test-url", $"http://127.0.0.1:{closed}");

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"error: SmokeTest failed: GET http://127.0.0.1:{closed}/version.txt: connection error (ConnectionError", outcome.Output);
        Assert.Contains($"expected status 200 serving commit {Commit}; body: ''", outcome.Output);
        Assert.Empty(_aws.Ssm.Parameters);
    }

    [Fact]
    public async Task The_verified_image_is_read_back_until_SSM_stores_it_or_the_target_fails_naming_the_parameter()
    {
        _served.Enqueue(Commit);
        _aws.Ssm.ValidationReads = 3;
        var confirmed = await SmokeTestAsync();
        Assert.True(confirmed.ExitCode == 0, confirmed.Output);
        Assert.Equal(3, _aws.CountOf("GetParameter"));

        _aws.Ssm.ValidationFails = true;
        var unconfirmed = await SmokeTestAsync("--image-parameter-confirm-timeout-seconds", "1");
        Assert.Equal(ExitCodes.TargetFailed, unconfirmed.ExitCode);
        Assert.Contains($"SSM parameter /gitops-demo/dev/ami-id: writing {Image} (version 2) was not confirmed within 1 s; it still holds {Image} (version 1).", unconfirmed.Output);
    }

    [Fact]
    public async Task Without_an_address_or_with_a_bad_one_it_says_what_to_pass()
    {
        File.Delete(_run.Temp / "terraform" / "dev" / "outputs.json");

        var none = await SmokeTestAsync();
        var bad = await SmokeTestAsync("--smoke-test-url", "ftp://example");

        Assert.Contains("No address to smoke-test:", none.Output);
        Assert.Contains("pass --smoke-test-url", none.Output);
        Assert.Equal(ExitCodes.UsageError, bad.ExitCode);
        Assert.Contains("(--smoke-test-url): value 'ftp://example' is not valid; expected an absolute http:// or https:// URL.", bad.Output);

        File.WriteAllText(_run.Temp / "terraform" / "dev" / "outputs.json", """{ "url": { "sensitive": false, "type": "string", "value": "ftp://example" } }""");
        var badOutput = await SmokeTestAsync();
        Assert.Equal(ExitCodes.TargetFailed, badOutput.ExitCode);
        Assert.Contains("Smoke test address 'ftp://example' is not valid; expected an http(s) URL", badOutput.Output);
    }
}
