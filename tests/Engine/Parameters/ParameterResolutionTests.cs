using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Tests.Engine.Parameters;

public enum Flavour { Vanilla, DarkChocolate }

public sealed class ParameterResolutionTests
{
    private sealed class Parameterized : BuildBase
    {
        [Parameter("Region")] readonly string AwsRegion = "us-east-1";
        [Parameter] readonly int Count = 3;
        [Parameter] readonly bool Force;
        [Parameter] readonly Flavour Flavour = Flavour.Vanilla;
        [Parameter] readonly string[] Tags = [];
        [Parameter] readonly AbsolutePath? OutputFile;
        [Parameter] string Mode { get; set; } = "fast";

        public Target Show => _ => _.Executes(() => Output.Info(
            $"value:{AwsRegion}|{Count}|{Force}|{Flavour}|{string.Join('+', Tags)}|{OutputFile}|{Mode}"));

        public Target Sources => _ => _.Executes(() => Output.Info(
            $"value:{SourceOf(nameof(AwsRegion))}|{SourceOf(nameof(Count))}|{SourceOf(nameof(Force))}|{SourceOf(nameof(Mode))}"));
    }

    private static async Task<string> Value(TempRoot root, string[] args, Dictionary<string, string>? environment = null)
    {
        var outcome = await TestRun.RunAsync<Parameterized>(root, x => x.Show, args, environment);
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome.Output.Split('\n').Single(l => l.StartsWith("value:"))[6..].Trim();
    }

    [Fact]
    public async Task Initializers_are_the_defaults()
    {
        using var root = new TempRoot();
        Assert.Equal("us-east-1|3|False|Vanilla|||fast", await Value(root, []));
    }

    [Fact]
    public async Task Command_line_options_are_dash_and_case_insensitive_and_typed()
    {
        using var root = new TempRoot();
        var value = await Value(root, ["--aws-region", "eu-west-1", "--COUNT", "7", "--force", "--flavour", "dark-chocolate",
            "--tags", "a", "b,c", "--output-file", "out/file.txt", "--mode", "slow"]);
        Assert.Equal($"eu-west-1|7|True|DarkChocolate|a+b+c|{root.Path / "out" / "file.txt"}|slow", value);
        Assert.StartsWith("eu-west-1", await Value(root, ["--awsregion", "eu-west-1"]));
        Assert.StartsWith("eu-west-1", await Value(root, ["--Aws_Region", "eu-west-1"]));
    }

    [Fact]
    public async Task Environment_variables_match_by_exact_or_normalized_name()
    {
        using var root = new TempRoot();
        Assert.StartsWith("eu-north-1", await Value(root, [], new() { ["AWS_REGION"] = "eu-north-1" }));
        Assert.StartsWith("eu-south-1", await Value(root, [], new() { ["AwsRegion"] = "eu-south-1", ["AWS_REGION"] = "eu-north-1" }));
        Assert.Contains("|a+b|", await Value(root, [], new() { ["TAGS"] = "a,b" }));
        Assert.Contains("|True|", await Value(root, [], new() { ["FORCE"] = "true" }));
    }

    [Fact]
    public async Task Precedence_is_command_line_then_environment_then_profiles_then_parameters_json_then_default()
    {
        using var root = new TempRoot();
        root.Write(".nuke/parameters.json", """{ "$schema": "./build.schema.json", "AwsRegion": "from-json", "Count": 4 }""");
        root.Write(".nuke/parameters.a.json", """{ "AwsRegion": "from-a", "Mode": "from-a" }""");
        root.Write(".nuke/parameters.b.json", """{ "AwsRegion": "from-b" }""");

        Assert.Equal("from-json|4|False|Vanilla|||fast", await Value(root, []));
        Assert.StartsWith("from-a|4|", await Value(root, ["--profile", "a"]));
        Assert.StartsWith("from-b|4|", await Value(root, ["--profile", "a", "b"]));
        Assert.EndsWith("|from-a", await Value(root, ["--profile", "a", "b"]));
        Assert.StartsWith("from-env|", await Value(root, ["--profile", "a"], new() { ["AWS_REGION"] = "from-env" }));
        Assert.StartsWith("from-cli|", await Value(root, ["--profile", "a", "--aws-region", "from-cli"], new() { ["AWS_REGION"] = "from-env" }));
    }

    [Fact]
    public async Task A_build_can_tell_where_each_value_came_from()
    {
        using var root = new TempRoot();
        root.Write(".nuke/parameters.json", """{ "Count": 4 }""");

        var outcome = await TestRun.RunAsync<Parameterized>(root, x => x.Sources, ["--aws-region", "eu-west-1"], new() { ["FORCE"] = "true" });

        Assert.Contains("value:CommandLine|ParametersFile|Environment|Default", outcome.Output);
    }

    [Fact]
    public async Task Built_in_options_are_never_read_from_the_environment()
    {
        using var root = new TempRoot();
        var environment = new Dictionary<string, string> { ["TARGET"] = "Nope", ["SKIP"] = "true", ["PLAN"] = "true", ["HELP"] = "1", ["PROFILE"] = "missing" };

        var outcome = await TestRun.RunAsync<Parameterized>(root, x => x.Show, [], environment);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("Show succeeded", outcome.Output);
    }

    [Theory]
    [InlineData(new[] { "--count", "many" }, "Parameter 'Count' from the command line (--count): value 'many' is not valid; expected a whole number.")]
    [InlineData(new[] { "--flavour", "mint" }, "Parameter 'Flavour' from the command line (--flavour): value 'mint' is not valid; expected one of Vanilla, DarkChocolate.")]
    [InlineData(new[] { "--force", "maybe" }, "Parameter 'Force' from the command line (--force): value 'maybe' is not valid; expected true or false.")]
    [InlineData(new[] { "--aws-region" }, "Parameter 'AwsRegion' from the command line (--aws-region): value (no value) is not valid; expected a value.")]
    [InlineData(new[] { "--aws-regoin", "x" }, "Unknown option '--aws-regoin' on the command line; did you mean --aws-region?")]
    [InlineData(new[] { "--profile", "nope" }, "Profile 'nope' given with --profile: file .nuke/parameters.nope.json does not exist; expected .nuke/parameters.<profile>.json.")]
    public async Task A_bad_value_is_one_line_naming_parameter_source_and_expectation(string[] args, string expected)
    {
        using var root = new TempRoot();
        var outcome = await TestRun.RunAsync<Parameterized>(root, x => x.Show, args);

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Equal("error: " + expected, outcome.Output.Trim());
    }

    [Fact]
    public async Task Bad_values_from_environment_and_files_name_their_source()
    {
        using var root = new TempRoot();
        var fromEnvironment = await TestRun.RunAsync<Parameterized>(root, x => x.Show, [], new() { ["COUNT"] = "x" });
        Assert.Contains("Parameter 'Count' (--count) from environment variable COUNT: value 'x' is not valid", fromEnvironment.Output);

        root.Write(".nuke/parameters.json", """{ "Count": "y" }""");
        var fromFile = await TestRun.RunAsync<Parameterized>(root, x => x.Show, []);
        Assert.Contains("Parameter 'Count' (--count) from .nuke/parameters.json (Count): value 'y' is not valid", fromFile.Output);

        root.Write(".nuke/parameters.json", """{ "Cuont": 1 }""");
        var unknown = await TestRun.RunAsync<Parameterized>(root, x => x.Show, []);
        Assert.Contains("Unknown parameter 'Cuont' in .nuke/parameters.json; did you mean --count?", unknown.Output);

        root.Write(".nuke/parameters.json", """{ "Count": """);
        var broken = await TestRun.RunAsync<Parameterized>(root, x => x.Show, []);
        Assert.Equal(ExitCodes.UsageError, broken.ExitCode);
        Assert.Contains("Parameter file .nuke/parameters.json is not valid JSON", broken.Output);
    }

    private sealed class RequiredParameter : BuildBase
    {
        [Parameter, Required] readonly string? Token;
        public Target Go => _ => _.Executes(() => Output.Info("ran"));
    }

    [Fact]
    public async Task A_required_parameter_without_value_stops_the_run_but_not_help_or_plan()
    {
        using var root = new TempRoot();
        var run = await TestRun.RunAsync<RequiredParameter>(root, x => x.Go, []);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("parameter Token is required (set --token or TOKEN)", run.Output);

        Assert.Equal(0, (await TestRun.RunAsync<RequiredParameter>(root, x => x.Go, ["--plan"])).ExitCode);
        Assert.Equal(0, (await TestRun.RunAsync<RequiredParameter>(root, x => x.Go, ["--help"])).ExitCode);
        Assert.Equal(0, (await TestRun.RunAsync<RequiredParameter>(root, x => x.Go, [], new() { ["TOKEN"] = "t" })).ExitCode);
    }
}
