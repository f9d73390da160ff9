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
            Assert.Equal(1, run.ExitCode);
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
}
