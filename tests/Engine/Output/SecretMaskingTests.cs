using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Output;
using BuildEngine.Parameters;
using BuildEngine.Processes;

namespace Tests.Engine.Output;

public sealed class SecretMaskingTests
{
    private const string Planted = "s3cr3t-Pl4nted-Value";
    private const string FoundAtRunTime = "runtime-only-S3CRET";

    private sealed class Leaky : BuildBase
    {
        [Parameter, Secret] readonly string? ApiToken;
        [Parameter] readonly int Attempts = 1;

        public Target Leak => _ => _.Executes(async cancellationToken =>
        {
            Output.Info($"token is {ApiToken}");
            Output.Info($"json {{\"token\":\"{ApiToken}\"}}");
            Secrets.Register(FoundAtRunTime);
            Output.Info($"found {FoundAtRunTime}");
            await Tools.RunAsync(new ToolInvocation("sh", ["-c", $"echo out {ApiToken}; echo err {FoundAtRunTime} >&2", ApiToken!]), cancellationToken);
            Summaries.Set(nameof(Leak), $"used {ApiToken}");
        });

        public Target Fail => _ => _.DependsOn(Leak).Executes(() => throw new InvalidOperationException($"bad token {ApiToken}"));
    }

    [Fact]
    public async Task A_planted_secret_appears_nowhere_in_output_summary_errors_or_log()
    {
        using var root = new TempRoot();
        var outcome = await TestRun.RunAsync<Leaky>(root, x => x.Fail, ["--attempts", "2"], new() { ["API_TOKEN"] = Planted });

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("token is ***", outcome.Output);
        Assert.Contains("found ***", outcome.Output);
        Assert.Contains("out ***", outcome.Output);
        Assert.Contains("err ***", outcome.Output);
        Assert.Contains("> sh -c", outcome.Output);
        Assert.Contains("used ***", outcome.Output);
        Assert.Contains("bad token ***", outcome.Output);
        Assert.Contains("bad token ***", outcome.Log);
        foreach (var text in new[] { outcome.Output, outcome.Log })
        {
            Assert.DoesNotContain(Planted, text);
            Assert.DoesNotContain(FoundAtRunTime, text);
        }
    }

    [Fact]
    public async Task A_bad_secret_value_is_not_echoed_in_the_error()
    {
        using var root = new TempRoot();
        var outcome = await TestRun.RunAsync<SecretNumber>(root, x => x.Go, ["--pin", "not-a-number-9876"]);

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Parameter 'Pin' from the command line (--pin): value *** is not valid", outcome.Output);
        Assert.DoesNotContain("not-a-number-9876", outcome.Output);
    }

    private sealed class SecretNumber : BuildBase
    {
        [Parameter, Secret] readonly int Pin;
        public Target Go => _ => _.Executes(() => { });
    }

    [Fact]
    public void Multi_line_secrets_are_masked_line_by_line_and_json_encoded()
    {
        var masker = new SecretMasker();
        masker.Register("-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\nQUJDREVGR0hJSktMTU5P\n-----END KEY-----\n");
        masker.Register("quote\"and\\slash");

        Assert.Equal("line *** here", masker.Apply("line QUJDREVGR0hJSktMTU5P here"));
        Assert.Equal("-----BEGIN KEY-----", masker.Apply("-----BEGIN KEY-----"));
        Assert.Equal("{\"v\":\"***\"}", masker.Apply("{\"v\":\"quote\\\"and\\\\slash\"}"));
    }

    [Fact]
    public void Values_too_short_to_mask_safely_are_ignored()
    {
        var masker = new SecretMasker();
        masker.Register("abc");
        Assert.Equal("abc", masker.Apply("abc"));
    }
}
