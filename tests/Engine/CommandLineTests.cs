using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Tests.Engine;

/// <summary>How arguments become targets and parameter values, and that secrets typed on the command line never come back.</summary>
public sealed class CommandLineTests
{
    private const string PrivateKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBTaGhoLXRoaXMtaXMtYS10ZXN0LWtleS1ub3QtcmVhbAAAAJgAAAAAAAAA
        -----END OPENSSH PRIVATE KEY-----
        """;

    private sealed class WithSecret : BuildBase
    {
        [Parameter] readonly string Mode = "fast";
        [Parameter] readonly int Count = 3;
        [Parameter] readonly bool Force;
        [Parameter] readonly string[] Tags = [];
        [Parameter, Secret, MultiLine] readonly string? Token;

        public Target Show => _ => _.Executes(() => Output.Info(
            $"value:{Mode}|{Count}|{Force}|{string.Join('+', Tags)}|{Token}|{Token?.Split('\n').Length}"));
    }

    private static async Task<RunOutcome> Run(params string[] args)
    {
        using var root = new TempRoot();
        return await TestRun.RunAsync<WithSecret>(root, x => x.Show, args);
    }

    private static string Value(RunOutcome outcome)
    {
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome.Output.Split('\n').Single(l => l.StartsWith("value:"))[6..].Trim();
    }

    [Fact]
    public async Task Name_equals_value_is_read_for_every_type()
    {
        Assert.Equal("slow|7|False|a+b||", Value(await Run("--mode=slow", "--count=7", "--force=false", "--tags=a,b")));
        Assert.Equal("x=y|3|True|||", Value(await Run("--force", "--mode=x=y")));
    }

    [Fact]
    public async Task The_argument_after_a_parameter_that_takes_a_value_is_its_value_even_with_a_leading_dash()
    {
        Assert.Equal("-x|-5|False|-a||", Value(await Run("--mode", "-x", "--count", "-5", "--tags", "-a")));
        var withKey = await Run("--token", PrivateKey, "--mode", "--weird");
        Assert.Equal("--weird|3|False||***|4", Value(withKey));
    }

    [Fact]
    public async Task A_known_option_is_never_taken_as_a_value()
    {
        var outcome = await Run("--mode", "--force");
        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Parameter 'Mode' from the command line (--mode): value (no value) is not valid; expected a value.", outcome.Output);
    }

    [Fact]
    public async Task A_private_key_on_the_command_line_is_masked_and_never_echoed_in_errors()
    {
        var keyLines = PrivateKey.Split('\n').Where(l => !l.StartsWith("-----")).ToList();
        var runs = new[]
        {
            await Run("--token", PrivateKey),
            await Run("--token", PrivateKey, "--count", "many"),
            await Run("--token", PrivateKey, "extra-word-after-secret"),
            await Run("--token=" + PrivateKey, "--nope"),
            await Run("--tokn", PrivateKey),
            await Run("--force", PrivateKey),
            await Run(PrivateKey),
            await Run("--tokn=abc-secret-value"),
        };
        foreach (var outcome in runs)
        {
            foreach (var line in keyLines)
                Assert.DoesNotContain(line.Trim(), outcome.Output);
            Assert.DoesNotContain("abc-secret-value", outcome.Output);
            Assert.DoesNotContain("extra-word-after-secret", outcome.Output);
        }
        Assert.Equal(0, runs[0].ExitCode);
        Assert.All(runs.Skip(1), r => Assert.Equal(ExitCodes.UsageError, r.ExitCode));
        Assert.Contains("error: Unknown option '--tokn' on the command line; did you mean --token?", runs[4].Output);
        Assert.Contains("(an argument of 4 lines, not shown)", runs[5].Output);
        Assert.Contains("Unknown option '--tokn' on the command line", runs[7].Output);
    }

    [Fact]
    public void Parsing_reports_secret_values_before_anything_is_printed()
    {
        var parameters = new[]
        {
            new ParameterNode { Name = "Token", Description = "", Type = typeof(string), DefaultValue = null, IsSecret = true, IsRequired = false, EnvironmentVariable = "TOKEN" },
            new ParameterNode { Name = "Mode", Description = "", Type = typeof(string), DefaultValue = null, IsSecret = false, IsRequired = false, EnvironmentVariable = "MODE" },
        };
        var secrets = new List<string>();
        var parsed = CommandLine.Parse(["Deploy", "--token=t0k3n", "--mode", "m", "--skip", "--token", "-dash"], parameters, secrets.Add);

        Assert.Equal(["t0k3n", "-dash"], secrets);
        Assert.Equal(["Deploy"], parsed.Targets);
        Assert.True(parsed.Skip);
        Assert.Equal(["token", "mode", "token"], parsed.Options.Select(o => o.Name));
    }
}
