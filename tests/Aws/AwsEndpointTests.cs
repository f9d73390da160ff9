using BuildEngine;
using Pipeline.Aws;
using Tests.Doubles;
using Tests.Doubles.Aws;

namespace Tests.Aws;

/// <summary>What the AWS calls do when the endpoint is not AWS, and when an instance type refuses a request.</summary>
public sealed class AwsEndpointTests : IDisposable
{
    private readonly PipelineRun _run = new();
    private readonly LocalHttpServer _webServer = new(_ => new ServerResponse(501,
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\"><html><head><title>501 Not Implemented</title></head></html>", "text/html"));

    public void Dispose()
    {
        _run.Dispose();
        _webServer.Dispose();
    }

    [Fact]
    public async Task A_web_server_that_is_not_AWS_fails_at_once_in_one_line_naming_endpoint_service_and_status()
    {
        // No AWS peer at all here: the point is an endpoint that answers like a plain web server.
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = _webServer.Url, ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIATESTLOCALSERVER1", ["AWS_SECRET_ACCESS_KEY"] = "local-secret-access-key-for-tests",
        };

        var outcome = await _run.RunAsync(["PruneImages"], environment);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"error: PruneImages failed: EC2 at endpoint {_webServer.Url} answered HTTP 501 (NotImplemented) with a response that is not from AWS (\"<!DOCTYPE HTML", outcome.Output);
        Assert.Contains("expected an AWS API endpoint (check --aws-endpoint-url / AWS_ENDPOINT_URL).", outcome.Output);
        Assert.Single(_webServer.Requests);
        Assert.DoesNotContain("retry", outcome.Output);
    }

    [Theory]
    [InlineData("PackerBuild", "EC2")]
    [InlineData("PruneImages", "EC2")]
    [InlineData("Rollback", "SSM")]
    public async Task A_web_server_answering_HTML_with_200_is_named_by_the_service_not_by_an_exception_type(string target, string service)
    {
        // A 200 with HTML: SSM's JSON unmarshaller fails, EC2's XML one reads it as an empty result (no images),
        // which PackerBuild would take for "nothing baked yet". Either way the line names the service.
        using var website = new LocalHttpServer(_ => new ServerResponse(200, "<html><body>Welcome to our site</body></html>", "text/html"));
        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = website.Url, ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIATESTLOCALSERVER1", ["AWS_SECRET_ACCESS_KEY"] = "local-secret-access-key-for-tests",
        };

        using var run = new PipelineRun("packer");
        var outcome = await run.RunAsync([target, "--skip"], environment);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"error: {target} failed: {service} at endpoint {website.Url} answered HTTP 200 (OK) with a response that is not from AWS", outcome.Output);
        Assert.DoesNotContain("Unmarshalling", outcome.Output);
    }

    [Fact]
    public async Task Host_keys_are_read_from_the_default_console_output_when_the_latest_is_refused()
    {
        // Our EC2 server: moto's console output has no cloud-init host keys and never refuses Latest=true.
        using var aws = new AwsServer();
        var keyLine = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmSPrmeDbnw+VDlLVZQ8w7lo4D2cZLHNlY2iwFW8ZKP";
        aws.Ec2.AddInstance(new FakeInstance("i-0xen000000000001", new InstanceObservation("running", "ok", "ok"))
        {
            ConsoleOutput = ConsoleHostKeysTests.Console(keyLine),
            RefusesLatestConsole = true,
        });
        var settings = new AwsSettings { Region = "eu-west-1", EndpointUrl = aws.Url, AccessKeyId = "AKIATESTLOCALSERVER1", SecretAccessKey = "local-secret" };
        using var ec2 = settings.CreateEc2Client();
        var reports = new List<string>();
        var readiness = new InstanceReadiness(ec2, AwsResilience.Create(_ => { }, TimeSpan.FromMilliseconds(1)), reports.Add, TimeSpan.FromMilliseconds(10));

        var keys = await readiness.HostKeysAsync("i-0xen000000000001", TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(keyLine, Assert.Single(keys).ToString());
        Assert.Contains(reports, r => r.Contains("the latest console output is refused (UnsupportedOperation"));
        Assert.Equal(2, aws.CountOf("GetConsoleOutput"));
    }
}
