using System.Text.Json;
using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;
using Tests.Engine.Parameters;

namespace Tests.Engine.Generation;

public sealed class GeneratedFilesTests
{
    private sealed class Small : BuildBase
    {
        [Parameter("Where to deploy")] readonly string Region = "eu-west-1";
        [Parameter, Secret] readonly string? Token;
        [Parameter] readonly Flavour Flavour;
        [Parameter] readonly int[] Ports = [];

        public Target Check => _ => _.Description("Checks").Executes(CheckGeneratedFilesAreCurrent);
        public Target Hidden => _ => _.Unlisted();
    }

    [Fact]
    public async Task Schema_lists_parameters_with_types_and_target_names()
    {
        using var root = new TempRoot();
        await TestRun.RunAsync<Small>(root, x => x.Check, ["--plan"]);

        using var schema = JsonDocument.Parse(File.ReadAllText(root.Path / ".nuke" / "build.schema.json"));
        var properties = schema.RootElement.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("Region").GetProperty("type").GetString());
        Assert.Contains("Where to deploy", properties.GetProperty("Region").GetProperty("description").GetString());
        Assert.Equal(["Vanilla", "DarkChocolate"], properties.GetProperty("Flavour").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("integer", properties.GetProperty("Ports").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal(["Check", "Hidden"], schema.RootElement.GetProperty("definitions").GetProperty("Target").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.False(schema.RootElement.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public async Task Launch_settings_have_one_profile_per_listed_target()
    {
        using var root = new TempRoot();
        await TestRun.RunAsync<Small>(root, x => x.Check, ["--plan"]);

        using var settings = JsonDocument.Parse(File.ReadAllText(root.Path / "build" / "Properties" / "launchSettings.json"));
        var profiles = settings.RootElement.GetProperty("profiles");
        Assert.Equal("Check", profiles.GetProperty("Check").GetProperty("commandLineArgs").GetString());
        Assert.Equal("Project", profiles.GetProperty("Check").GetProperty("commandName").GetString());
        Assert.False(profiles.TryGetProperty("Hidden", out _));
    }

    [Fact]
    public async Task Files_are_written_only_when_the_build_changed_and_stale_files_fail_the_check_on_CI()
    {
        using var root = new TempRoot();
        await TestRun.RunAsync<Small>(root, x => x.Check, ["--plan"]);
        var schemaFile = root.Path / ".nuke" / "build.schema.json";
        var written = File.GetLastWriteTimeUtc(schemaFile);

        await Task.Delay(50);
        var again = await TestRun.RunAsync<Small>(root, x => x.Check, ["--plan"]);
        Assert.DoesNotContain("Regenerated", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(schemaFile));

        File.WriteAllText(schemaFile, "{}");
        var onCi = await TestRun.RunAsync<Small>(root, x => x.Check, [], new() { ["CI"] = "true" });
        Assert.Equal(ExitCodes.TargetFailed, onCi.ExitCode);
        Assert.Contains("Generated files are out of date: .nuke/build.schema.json; run ./build.sh locally", onCi.Output);
        Assert.Equal("{}", File.ReadAllText(schemaFile));

        File.Delete(root.Path / ".nuke" / "temp" / "generated.stamp");
        var local = await TestRun.RunAsync<Small>(root, x => x.Check, []);
        Assert.Equal(0, local.ExitCode);
        Assert.Contains("Regenerated .nuke/build.schema.json", local.Output);
        Assert.DoesNotContain("launchSettings", local.Output.Split("Regenerated")[1].Split('\n')[0]);
    }

    [Fact]
    public async Task Help_lists_targets_with_default_and_parameters_with_type_default_env_and_secret()
    {
        var outcome = await TestRun.RunAsync<Small>(x => x.Check, "--help");

        Assert.Equal(0, outcome.ExitCode);
        Expect.Matches(@"\* Check\s+Checks", outcome.Output);
        Assert.DoesNotContain("Hidden", outcome.Output);
        Assert.Contains("--region  Where to deploy [string, default: eu-west-1, env: REGION]", outcome.Output);
        Assert.Contains("--token   [string, env: TOKEN, secret]", outcome.Output);
        Assert.Contains("values: Vanilla, DarkChocolate", outcome.Output);
        Assert.Contains("--ports   [int[], default: , env: PORTS]", outcome.Output);
    }
}
