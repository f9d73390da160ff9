namespace Tests.Bootstrap;

/// <summary>./build.sh driven as a real process on a copy of the repository's build.</summary>
public sealed class BuildScriptTests(RepositoryCopy repository) : IClassFixture<RepositoryCopy>
{
    [Fact]
    public async Task Build_sh_compiles_once_then_runs_help_plan_and_reports_unknown_targets()
    {
        var help = await repository.RunAsync(["--help"]);
        Assert.True(help.ExitCode == 0, help.StandardOutput + help.StandardError);
        Assert.Contains("* Validate", help.StandardOutput);
        Assert.Contains("--deploy-environment", help.StandardOutput);

        var plan = await repository.RunAsync(["--plan"]);
        Assert.Equal(0, plan.ExitCode);
        Tests.Engine.Expect.Matches(@"\d\. Validate \(invoked\)", plan.StandardOutput);
        Assert.DoesNotContain("compiling build/", plan.StandardError);

        var unknown = await repository.RunAsync(["Validat"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("error: Unknown target 'Validat'; did you mean Validate?", unknown.StandardOutput);

        var badValue = await repository.RunAsync(["--plan"], new Dictionary<string, string?> { ["TARGET"] = "Nope" });
        Assert.Equal(0, badValue.ExitCode);
    }

    [Fact]
    public async Task An_edited_build_is_recompiled_and_a_failing_target_exits_non_zero()
    {
        var failing = Path.Combine(repository.Root, "build", "FailingForTest.cs");
        await File.WriteAllTextAsync(failing, """
            using BuildEngine.Definition;
            namespace Pipeline;
            partial class Build
            {
                Target Explode => _ => _.DependsOn(SummarizePlan).Executes(() => throw new System.InvalidOperationException("boom for the test"));
            }
            """);
        try
        {
            var run = await repository.RunAsync(["Explode", "--plan-json", Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", "snyk_plan.json")]);
            Assert.Contains("compiling build/", run.StandardError);
            Assert.True(run.ExitCode == 1, run.StandardOutput + run.StandardError);
            Assert.Contains("Explode failed: boom for the test", run.StandardOutput);
            Tests.Engine.Expect.Matches(@"SummarizePlan\s+Succeeded", run.StandardOutput);
            Tests.Engine.Expect.Matches(@"Explode\s+Failed", run.StandardOutput);
            Assert.True(File.Exists(Path.Combine(repository.Root, ".nuke", "temp", "build.log")));
        }
        finally
        {
            File.Delete(failing);
        }

        var afterDelete = await repository.RunAsync(["Explode"]);
        Assert.Contains("compiling build/", afterDelete.StandardError);
        Assert.Equal(2, afterDelete.ExitCode);
    }

    [Fact]
    public async Task Content_not_file_times_decides_and_a_damaged_compiled_build_is_rebuilt()
    {
        await repository.RunAsync(["--plan"]);
        var bin = Path.Combine(repository.Root, ".nuke", "temp", "build-bin");
        async Task<bool> CompilesAsync()
        {
            var run = await repository.RunAsync(["--plan"]);
            Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
            return run.StandardError.Contains("compiling build/");
        }

        // A fresh checkout: the same sources with new file times (and no compile outputs of its own).
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repository.Root, "build"), "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(-30));
        Assert.False(await CompilesAsync());

        // One changed byte compiles, once.
        var source = Path.Combine(repository.Root, "build", "Build.cs");
        await File.AppendAllTextAsync(source, " ");
        Assert.True(await CompilesAsync());
        Assert.False(await CompilesAsync());

        // A cache restored in part: a truncated file, or a missing one, is found and the build compiled again.
        await using (var stream = File.OpenWrite(Path.Combine(bin, "BuildEngine.dll"))) stream.SetLength(100);
        Assert.True(await CompilesAsync());
        File.Delete(Path.Combine(bin, "_build.deps.json"));
        Assert.True(await CompilesAsync());
        Assert.False(await CompilesAsync());
    }

    [Fact]
    public async Task Sizes_and_times_decide_first_and_any_difference_is_settled_by_content()
    {
        var stamp = Path.Combine(repository.Root, ".nuke", "temp", "build-bin.stat-stamp");
        async Task<(bool Compiled, DateTime Stamp)> RunAsync()
        {
            var run = await repository.RunAsync(["--plan"]);
            Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
            return (run.StandardError.Contains("compiling build/"), File.GetLastWriteTimeUtc(stamp));
        }
        var first = await RunAsync();

        // Nothing changed: the sizes and times match, no hash is computed and the stamp is left as it is.
        var warm = await RunAsync();
        Assert.False(warm.Compiled);
        Assert.Equal(first.Stamp, warm.Stamp);

        // A new time on the same content: the content hash decides (no compile), and the stamp takes the new time.
        var source = Path.Combine(repository.Root, "build", "Build.cs");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(-5));
        var touched = await RunAsync();
        Assert.False(touched.Compiled);
        Assert.NotEqual(warm.Stamp, touched.Stamp);
        Assert.Contains(" " + new FileInfo(source).Length + " ", File.ReadAllText(stamp));

        // An edit compiles, once; so does a damaged compiled build, whatever its time.
        await File.AppendAllTextAsync(source, "\n");
        Assert.True((await RunAsync()).Compiled);
        Assert.False((await RunAsync()).Compiled);
        var dll = Path.Combine(repository.Root, ".nuke", "temp", "build-bin", "BuildEngine.dll");
        var time = File.GetLastWriteTimeUtc(dll);
        await using (var stream = File.OpenWrite(dll)) stream.SetLength(100);
        File.SetLastWriteTimeUtc(dll, time);
        Assert.True((await RunAsync()).Compiled);
    }

    [Fact]
    public async Task The_inputs_hash_changes_when_and_only_when_the_builds_inputs_change()
    {
        async Task<string> HashAsync()
        {
            var run = await repository.RunAsync(["--build-inputs-hash"]);
            Assert.Equal(0, run.ExitCode);
            Assert.Matches("^[0-9a-f]{64}$", run.StandardOutput.Trim());
            return run.StandardOutput.Trim();
        }
        var before = await HashAsync();

        File.SetLastWriteTimeUtc(Path.Combine(repository.Root, "build", "Build.cs"), DateTime.UtcNow.AddHours(1));
        Directory.CreateDirectory(Path.Combine(repository.Root, "build", "obj"));
        await File.WriteAllTextAsync(Path.Combine(repository.Root, "build", "obj", "noise.txt"), "compile output");
        Assert.Equal(before, await HashAsync());

        var settings = Path.Combine(repository.Root, "global.json");
        var original = await File.ReadAllTextAsync(settings);
        await File.WriteAllTextAsync(settings, original + "\n");
        Assert.NotEqual(before, await HashAsync());
        await File.WriteAllTextAsync(settings, original);
        Assert.Equal(before, await HashAsync());
    }
}
