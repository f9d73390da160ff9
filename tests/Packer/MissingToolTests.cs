using BuildEngine;
using Tests.Engine;

namespace Tests.Packer;

/// <summary>A check whose tool is not installed: skipped loudly on a laptop, a failure on CI.</summary>
public sealed class MissingToolTests : IDisposable
{
    private readonly PipelineRun _run = new("packer");

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Locally_the_check_is_skipped_with_a_loud_warning()
    {
        var outcome = await _run.RunAsync(["PackerValidate"], new Dictionary<string, string> { ["PACKER_EXECUTABLE"] = "packer-that-is-not-installed" });

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("warning: !!! 'packer-that-is-not-installed' is not installed: PackerValidate SKIPPED.", outcome.Output);
        Tests.Engine.Expect.Matches(@"PackerValidate\s+Skipped\s+.*'packer-that-is-not-installed' is not installed \(CI fails here\)", outcome.Output);
        Assert.DoesNotContain("Succeeded", outcome.Output);
    }

    [Fact]
    public async Task On_CI_the_check_fails()
    {
        var outcome = await _run.RunAsync(["PackerValidate"], new Dictionary<string, string> { ["PACKER_EXECUTABLE"] = "packer-that-is-not-installed", ["CI"] = "true" });

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("'packer-that-is-not-installed' is not installed, so PackerValidate cannot run; CI must install it.", outcome.Output);
    }
}
