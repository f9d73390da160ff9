using System.Text.Json;
using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Tests.Engine.Parameters;

public sealed class ParameterConstraintTests
{
    private sealed class LowerNameAttribute() : PatternAttribute("^[a-z][a-z0-9-]{0,30}$", "a lower-case name");

    private sealed class Constrained : BuildBase
    {
        [Parameter, LowerName] readonly string Stage = "dev";
        [Parameter, Range(1, 65_535)] readonly int Port = 22;
        [Parameter, Range(1)] readonly long Keep = 3;
        [Parameter] readonly string? Label;
        [Parameter] readonly string[] Pairs = [];
        [Parameter, Url] readonly string? Endpoint;
        [Parameter, Secret, MultiLine] readonly string? Key;
        [Parameter, ExistingFile] readonly AbsolutePath? Input;
        [Parameter] readonly AbsolutePath? Output_;

        public Target Show => _ => _.Executes(() => Output.Info($"value:{Stage}|{Port}|{Keep}|{Label}|{string.Join('+', Pairs)}|{Endpoint}|{Key?.Length}|{Input?.Name}"));
        public Target Echo => _ => _.Executes(() => Output.Info($"echo:{Label}"));
    }

    private static async Task<RunOutcome> Run(TempRoot root, string[] args, Dictionary<string, string>? environment = null) =>
        await TestRun.RunAsync<Constrained>(root, x => x.Show, args, environment);

    private static void AssertRefused(RunOutcome outcome, string option, string expected)
    {
        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        var line = Assert.Single(outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Parameter ", line);
        Assert.Contains(option, line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("value:", outcome.Output);
    }

    [Theory]
    [InlineData("--port", "0", "expected a whole number from 1 to 65535")]
    [InlineData("--port", "70000", "expected a whole number from 1 to 65535")]
    [InlineData("--port", "-5", "expected a whole number from 1 to 65535")]
    [InlineData("--port", "22x", "expected a whole number from 1 to 65535")]
    [InlineData("--keep", "0", "expected a whole number at least 1")]
    [InlineData("--stage", "../../../escaped", "expected a lower-case name")]
    [InlineData("--stage", "Prod", "expected a lower-case name")]
    [InlineData("--endpoint", "ftp://example.com", "expected an absolute http:// or https:// URL")]
    [InlineData("--endpoint", "not a url", "expected an absolute http:// or https:// URL")]
    [InlineData("--input", "missing.json", "expected an existing file")]
    public async Task A_value_outside_its_constraint_is_one_line_naming_the_option_and_what_is_allowed(string option, string value, string expected)
    {
        using var root = new TempRoot();
        AssertRefused(await Run(root, [option, value]), option, expected);
    }

    [Theory]
    [InlineData("--label", "deploy\n[web:vars]\ninjected=1", "U+000A at position 7")]
    [InlineData("--label", "dev\rprod", "U+000D at position 4")]
    [InlineData("--label", "a\u0000b", "U+0000 at position 2")]
    [InlineData("--label", "tab\there", "U+0009 at position 4")]
    [InlineData("--label", "\u001b[31mred", "U+001B at position 1")]
    [InlineData("--label", "x\u0085y", "U+0085 at position 2")]
    [InlineData("--label", "dev\u202eved", "U+202E at position 4")]
    [InlineData("--label", "a\u2066b", "U+2066 at position 2")]
    [InlineData("--pairs", "a=1,b=\u200f2", "U+200F at position 7")]
    [InlineData("--output", "out\nfile", "U+000A at position 4")]
    [InlineData("--key", "-----BEGIN KEY-----\nabc\u202e\n-----END KEY-----", "U+202E at position 24")]
    public async Task Control_and_bidirectional_characters_are_refused_in_every_value(string option, string value, string position)
    {
        using var root = new TempRoot();
        var outcome = await Run(root, [option, value]);
        AssertRefused(outcome, option, position);
        Assert.DoesNotContain('\u202e', outcome.Output);
        Assert.DoesNotContain("injected", outcome.Output);
    }

    [Fact]
    public async Task A_huge_single_line_value_is_refused_without_being_echoed_but_a_long_secret_is_taken()
    {
        using var root = new TempRoot();
        var huge = await Run(root, ["--label", new string('a', 131_000)]);
        AssertRefused(huge, "--label", "expected a single line of at most 4096 characters");
        Assert.All(huge.Output.Split('\n'), line => Assert.True(line.Length < 400));

        var longKey = "-----BEGIN KEY-----\n" + new string('k', 20_000) + "\n-----END KEY-----";
        Assert.Equal(0, (await Run(root, ["--key", longKey])).ExitCode);
    }

    [Fact]
    public async Task A_multi_line_parameter_takes_line_breaks_and_an_empty_optional_value_stays_unset()
    {
        using var root = new TempRoot();
        var key = "-----BEGIN OPENSSH PRIVATE KEY-----\r\nAAAA\r\n\tBBBB\n-----END OPENSSH PRIVATE KEY-----\n";
        var outcome = await Run(root, ["--key", key, "--label", "", "--endpoint", ""]);
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains($"|||{key.Length}|", outcome.Output);
    }

    [Fact]
    public async Task Values_from_the_environment_and_profiles_meet_the_same_rules_and_name_the_option()
    {
        using var root = new TempRoot();
        var fromEnvironment = await Run(root, [], new() { ["STAGE"] = "dev\nprod" });
        AssertRefused(fromEnvironment, "(--stage) from environment variable STAGE", "U+000A at position 4");

        root.Write(".nuke/parameters.huge.json", JsonSerializer.Serialize(new Dictionary<string, string> { ["Stage"] = new string('a', 1_000_000) }));
        var fromProfile = await Run(root, ["--profile", "huge"]);
        AssertRefused(fromProfile, "(--stage) from .nuke/parameters.huge.json (Stage; --profile huge)", "(an argument of 1000000 characters, not shown)");
        Assert.All(fromProfile.Output.Split('\n'), line => Assert.True(line.Length < 400, line[..Math.Min(line.Length, 100)]));

        root.Write(".nuke/parameters.odd.json", """{ "Col\u202Eour": "dev" }""");
        var unknownName = await Run(root, ["--profile", "odd"]);
        Assert.Contains("Unknown parameter 'Col\\u202Eour' in .nuke/parameters.odd.json", unknownName.Output);
        Assert.DoesNotContain('\u202E', unknownName.Output);
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("dev/prod")]
    [InlineData("dev\nprod")]
    [InlineData(".hidden")]
    public async Task A_profile_name_that_is_not_a_file_name_part_is_refused(string profile)
    {
        using var root = new TempRoot();
        var outcome = await Run(root, ["--profile", profile]);
        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        var line = Assert.Single(outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Option '--profile' on the command line", line);
        Assert.Contains("is not a profile name", line);
    }

    [Fact]
    public async Task Help_and_schema_show_ranges_patterns_and_rules()
    {
        using var root = new TempRoot();
        var help = await Run(root, ["--help"]);
        Assert.Contains("--port   [int, 1 to 65535, default: 22", help.Output);
        Assert.Contains("--keep   [long, at least 1, default: 3", help.Output);
        Assert.Contains("--stage   [string, a lower-case name, default: dev", help.Output);
        Assert.Contains("--key   [string, env: KEY, secret, multi-line]", help.Output);
        Assert.Contains("one line without control or bidirectional characters", help.Output);
        Assert.Equal(0, (await Run(root, ["--plan"])).ExitCode);

        using var schema = JsonDocument.Parse(File.ReadAllText(root.Path / ".nuke" / "build.schema.json"));
        var properties = schema.RootElement.GetProperty("properties");
        Assert.Equal(1, properties.GetProperty("Port").GetProperty("minimum").GetInt64());
        Assert.Equal(65_535, properties.GetProperty("Port").GetProperty("maximum").GetInt64());
        Assert.Equal("^[a-z][a-z0-9-]{0,30}$", properties.GetProperty("Stage").GetProperty("pattern").GetString());
        Assert.Equal("uri", properties.GetProperty("Endpoint").GetProperty("format").GetString());
    }

    private sealed class Printing : BuildBase
    {
        [Parameter, Secret] readonly string? Token;
        public Target Print => _ => _.Executes(() => Output.Info($"from a tool: {Token} safe\u202Egnp.exe\rOVERWRITTEN \u001b[32mgreen\u001b[0m"));
    }

    [Fact]
    public async Task Everything_shown_is_masked_and_escaped_in_one_place()
    {
        using var root = new TempRoot();
        var outcome = await TestRun.RunAsync<Printing>(root, x => x.Print, ["--token", "s3cr3t-value"]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("from a tool: *** safe\\u202Egnp.exe\\rOVERWRITTEN \u001b[32mgreen\u001b[0m", outcome.Output);
        Assert.DoesNotContain("s3cr3t-value", outcome.Output + outcome.Log);
        Assert.DoesNotContain('\u202e', outcome.Output + outcome.Log);
        Assert.DoesNotContain('\r', outcome.Output + outcome.Log);
    }

    [Fact]
    public void Arguments_quoted_back_are_escaped_and_never_long_or_multi_line()
    {
        Assert.Equal("'dev\\u202Eved'", ArgumentText.Show("dev\u202eved"));
        Assert.Equal("'a\\0b\\tc'", ArgumentText.Show("a\0b\tc"));
        Assert.Equal("(an argument of 2 lines, not shown)", ArgumentText.Show("dev\nprod"));
        Assert.Equal("(an argument of 131000 characters, not shown)", ArgumentText.Show(new string('x', 131_000)));
    }
}
