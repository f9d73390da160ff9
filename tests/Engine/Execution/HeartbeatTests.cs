using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Processes;

namespace Tests.Engine.Execution;

/// <summary>A target whose tool is silent: the heartbeat, and a target that outlives its MaxDuration.</summary>
public sealed class HeartbeatTests
{
    private sealed class SlowTools : BuildBase
    {
        public Target Quiet => _ => _.Executes(async cancellationToken =>
            await Tools.RunAsync(new ToolInvocation("bash", ["-c", "echo 'amazon-ebs: Waiting for AMI to become ready...'; sleep 2; echo 'AMI ready'"]), cancellationToken));

        public Target Chatty => _ => _.Executes(async cancellationToken =>
            await Tools.RunAsync(new ToolInvocation("bash", ["-c", "for i in 1 2 3 4 5 6 7 8; do echo tick $i; sleep 0.2; done"]), cancellationToken));

        public Target Endless => _ => _.MaxDuration(TimeSpan.FromSeconds(1)).Executes(async cancellationToken =>
            await Tools.RunAsync(new ToolInvocation("sleep", ["60"]) { GracePeriod = TimeSpan.FromSeconds(5) }, cancellationToken));
    }

    private static Dictionary<string, string> Environment() => new()
    {
        ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "",
        ["BUILD_HEARTBEAT_SECONDS"] = "0.5",
    };

    [Fact]
    public async Task A_silent_tool_gets_a_heartbeat_with_the_target_the_time_and_its_last_line()
    {
        using var root = new TempRoot();

        var outcome = await TestRun.RunAsync<SlowTools>(root, x => x.Quiet, [], Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Expect.Matches(@"… Quiet still running after \d+\.\d s; bash's last line, \d+\.\d s ago: amazon-ebs: Waiting for AMI to become ready\.\.\.", outcome.Output);
        Assert.Contains("… Quiet still running", outcome.Log);
    }

    [Fact]
    public async Task A_tool_that_keeps_talking_gets_no_heartbeat()
    {
        using var root = new TempRoot();

        var outcome = await TestRun.RunAsync<SlowTools>(root, x => x.Chatty, [], Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.DoesNotContain("still running", outcome.Output);
    }

    [Fact]
    public async Task A_target_past_its_MaxDuration_is_stopped_and_fails_saying_why()
    {
        using var root = new TempRoot();
        var started = DateTime.UtcNow;

        var outcome = await TestRun.RunAsync<SlowTools>(root, x => x.Endless, [], Environment());

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("Endless failed: stopped after its maximum duration of 1.0 s (MaxDuration); its tools were interrupted", outcome.Output);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the tool was not interrupted");
    }
}
