using System.Text.Json;
using BuildEngine;
using BuildEngine.Processes;
using Tests.Doubles.Aws;
using Tests.Engine;

namespace Tests.Packer;

/// <summary>
/// PackerValidate with the real packer; PackerBuild with the packer double (packer build needs AWS) against our local
/// AWS server, which can assert the exact requests and fake what moto cannot (asynchronous SSM validation). The same
/// flows against moto are in Tests.Aws.MotoAwsTests.
/// </summary>
public sealed class PackerTargetTests : IDisposable
{
    private readonly PipelineRun _run = new("packer");
    private readonly AwsServer _aws = new();
    private readonly string _packerLog = Path.GetTempFileName();

    public void Dispose()
    {
        _run.Dispose();
        _aws.Dispose();
        File.Delete(_packerLog);
        File.Delete(_packerLog + ".interrupted");
    }

    private Dictionary<string, string> BuildEnvironment(params (string Key, string Value)[] extra)
    {
        var environment = _aws.Environment();
        environment["PACKER_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Packer", "packer-double.sh");
        environment["PACKER_DOUBLE_LOG"] = _packerLog;
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private JsonElement ImageRecord() =>
        JsonDocument.Parse(File.ReadAllText(_run.Temp / "image" / "ami.json")).RootElement;

    private string[] PackerCalls() => File.ReadAllLines(_packerLog);

    [SkippableFact]
    public async Task PackerValidate_passes_on_the_template_with_the_real_packer()
    {
        Peers.RequiredPeer.Require(Peers.RequiredPeer.OnPath("packer"), "packer is not installed here; .ci/run installs Debian's packer");

        var outcome = await _run.RunAsync(["PackerValidate"]);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains("> packer validate", outcome.Output);
        Assert.Matches(@"Packer 1\.6\.\d+ predates plugin management|plugin management available", outcome.Output);
    }

    [SkippableFact]
    public async Task PackerValidate_fails_on_an_unformatted_template_with_the_diff()
    {
        Peers.RequiredPeer.Require(Peers.RequiredPeer.OnPath("packer"), "packer is not installed here; .ci/run installs Debian's packer");
        var template = _run.Root / "packer" / "variables.pkr.hcl";
        File.WriteAllText(template, File.ReadAllText(template).Replace("  type        = string", "type=string"));

        var outcome = await _run.RunAsync(["PackerValidate"]);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("packer fmt: files in", outcome.Output);
        Assert.Contains("not formatted", outcome.Output);
    }

    [Fact]
    public async Task PackerBuild_bakes_when_no_image_has_the_inputs_hash_and_hands_it_over_without_touching_SSM()
    {
        var outcome = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment(("CIRCLECI", "true"), ("CIRCLE_SHA1", "abc123commit"), ("CIRCLE_BRANCH", "main")));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var record = ImageRecord();
        Assert.Equal("ami-0fedcba9876543210", record.GetProperty("image_id").GetString());
        Assert.True(record.GetProperty("built").GetBoolean());
        Assert.Equal("abc123commit", record.GetProperty("commit").GetString());
        var hash = record.GetProperty("inputs_hash").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", hash);

        Assert.Equal("built", record.GetProperty("origin").GetString());
        // An environment's parameter names an image only once SmokeTest verified it there.
        Assert.Empty(_aws.Ssm.Parameters);
        Assert.DoesNotContain("-var environment=", PackerCalls().Single(c => c.StartsWith("build")));

        var filters = _aws.Ec2.DescribeImagesRequests.Single();
        Assert.Equal("self", filters["Owner.1"]);
        Assert.Contains(filters, f => f.Value == hash);
        Assert.Single(PackerCalls(), c => c.StartsWith("build -machine-readable"));
        Assert.Contains($"-var inputs_hash={hash}", PackerCalls().Single(c => c.StartsWith("build")));
        Assert.Contains("apt-get install -y python3, nginx", outcome.Output);
        Expect.Matches(@"PackerBuild\s+Succeeded\s+[\d.]+ s\s+built ami-0fedcba9876543210", outcome.Output);
    }

    [Fact]
    public async Task While_packer_waits_silently_for_the_AMI_the_build_prints_a_heartbeat_with_packers_last_line()
    {
        var outcome = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment(("PACKER_DOUBLE_SILENT", "2"), ("BUILD_HEARTBEAT_SECONDS", "0.5")));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Expect.Matches(@"… PackerBuild still running after [\d.:]+( s)?; packer-double\.sh's last line, [\d.:]+( s)? ago: .*Waiting for AMI to become ready\.\.\.", outcome.Output);
    }

    [Fact]
    public async Task PackerBuild_is_skipped_and_the_image_reused_when_its_inputs_hash_exists()
    {
        var first = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment());
        Assert.True(first.ExitCode == 0, first.Output);
        var hash = ImageRecord().GetProperty("inputs_hash").GetString()!;
        _aws.Ec2.AddImage(new FakeImage("ami-0existing00000001", "gitops-web-dev-existing", DateTimeOffset.UtcNow.AddDays(-1),
            new Dictionary<string, string> { ["InputsHash"] = hash, ["Project"] = "gitops-demo" }, ["snap-1"]));

        var second = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment());

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Single(PackerCalls(), c => c.StartsWith("build"));
        Assert.False(ImageRecord().GetProperty("built").GetBoolean());
        Assert.Equal("ami-0existing00000001", ImageRecord().GetProperty("image_id").GetString());
        Assert.Equal("reused", ImageRecord().GetProperty("origin").GetString());
        Expect.Matches(@"PackerBuild\s+Succeeded\s+[\d.]+ s\s+build skipped: inputs [0-9a-f]{12} unchanged, reused ami-0existing00000001", second.Output);
    }

    [Fact]
    public async Task A_template_change_changes_the_inputs_hash()
    {
        await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment());
        var before = ImageRecord().GetProperty("inputs_hash").GetString();
        File.AppendAllText(_run.Root / "packer" / "scripts" / "base.sh", "\necho changed\n");

        await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment());

        var changed = ImageRecord().GetProperty("inputs_hash").GetString();
        Assert.NotEqual(before, changed);
        // One image per commit for every environment: the environment is not an input.
        var otherEnvironment = await _run.RunAsync(["PackerBuild", "--skip", "--deploy-environment", "prod"], BuildEnvironment());
        Assert.Equal(0, otherEnvironment.ExitCode);
        Assert.Equal(changed, ImageRecord().GetProperty("inputs_hash").GetString());
    }

    [Fact]
    public async Task Throttling_twice_in_a_row_is_retried_and_the_build_still_succeeds()
    {
        _aws.FailNext("DescribeImages", 2, new Fault(503, "RequestLimitExceeded", "Request limit exceeded."));

        var outcome = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(3, _aws.CountOf("DescribeImages"));
        Assert.Contains("AWS call failed (RequestLimitExceeded); retry 1 of 6", outcome.Output);
        Assert.Contains("AWS call failed (RequestLimitExceeded); retry 2 of 6", outcome.Output);
    }

    [Fact]
    public async Task A_failed_packer_build_reports_packers_error_lines_and_publishes_nothing()
    {
        var outcome = await _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment(("PACKER_DOUBLE_FAIL", "1")));

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("PackerBuild failed: packer build failed (exit code 1): Build 'amazon-ebs.ubuntu' errored after 41 seconds", outcome.Output);
        Assert.Contains("Script exited with non-zero exit status: 100", outcome.Output);
        Assert.Empty(_aws.Ssm.Parameters);
        Assert.False(File.Exists(_run.Temp / "image" / "ami.json"));
    }

    [Theory]
    [InlineData("AWS_REGION", "AWS region is not set: pass --aws-region or set AWS_REGION (e.g. eu-west-1).")]
    [InlineData("AWS_ACCESS_KEY_ID", "AWS credentials are incomplete: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")]
    public async Task Missing_region_or_credentials_fail_before_packer_starts(string removed, string expected)
    {
        var environment = BuildEnvironment();
        environment.Remove(removed);

        var outcome = await _run.RunAsync(["PackerBuild", "--skip"], environment);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"PackerBuild failed: {expected}", outcome.Output);
        Assert.Empty(PackerCalls());
        Assert.Empty(_aws.Calls);
    }

    [Fact]
    public async Task PackerBuild_does_not_run_on_pull_request_builds()
    {
        var outcome = await _run.RunAsync(["PackerBuild", "--skip"],
            BuildEnvironment(("CI", "true"), ("CIRCLECI", "true"), ("CIRCLE_BRANCH", "feature/x"), ("CIRCLE_PULL_REQUEST", "https://github.com/o/r/pull/7")));

        Assert.Equal(0, outcome.ExitCode);
        Expect.Matches(@"PackerBuild\s+Skipped\s+condition false: !IsPullRequestBuild", outcome.Output);
        Assert.Empty(PackerCalls());
    }

    [Fact]
    public async Task Cancellation_interrupts_packer_so_it_cleans_up_and_the_target_is_aborted()
    {
        using var cancellation = new CancellationTokenSource();
        var run = _run.RunAsync(["PackerBuild", "--skip"], BuildEnvironment(("PACKER_DOUBLE_HANG", "1")), cancellation.Token);
        // Cancelled once packer handles interrupts (as the real one does from its first line), however slow the start.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(_packerLog + ".hanging") && !run.IsCompleted && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        cancellation.Cancel();

        var outcome = await run;

        Assert.Equal(ExitCodes.Cancelled, outcome.ExitCode);
        Expect.Matches(@"PackerBuild\s+Aborted", outcome.Output);
        Assert.True(File.Exists(_packerLog + ".interrupted"), "packer was killed without the chance to clean up");
        Assert.Empty(_aws.Ssm.Parameters);
    }
}
