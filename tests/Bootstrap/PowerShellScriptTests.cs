using Tests.Peers;

namespace Tests.Bootstrap;

/// <summary>build.ps1 driven by the real PowerShell 7 as a process, on a copy of the repository's build of its own.</summary>
public sealed class PowerShellScriptTests(RepositoryCopy repository) : IClassFixture<RepositoryCopy>
{
    private static void RequirePowerShell() =>
        RequiredPeer.Require(RepositoryCopy.PowerShellPath is not null,
            "pwsh is not installed; .ci/run installs it (dotnet tool install --global PowerShell --version 7.6.9)");

    [SkippableFact]
    public async Task Build_ps1_compiles_once_runs_warm_recompiles_an_edit_and_exits_non_zero_on_a_failure()
    {
        RequirePowerShell();

        var cold = await repository.RunPowerShellAsync(["--help"]);
        Assert.True(cold.ExitCode == 0, cold.StandardOutput + cold.StandardError);
        Assert.Contains("build.ps1: compiling build/", cold.StandardOutput);
        Assert.Contains("* Validate", cold.StandardOutput);
        Assert.Contains("--deploy-environment", cold.StandardOutput);

        var warm = await repository.RunPowerShellAsync(["--plan"]);
        Assert.True(warm.ExitCode == 0, warm.StandardOutput + warm.StandardError);
        Assert.DoesNotContain("compiling build/", warm.StandardOutput);
        Tests.Engine.Expect.Matches(@"\d\. Validate \(invoked\)", warm.StandardOutput);

        var unknown = await repository.RunPowerShellAsync(["Validat"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("error: Unknown target 'Validat'; did you mean Validate?", unknown.StandardOutput);

        var failing = Path.Combine(repository.Root, "build", "FailingForTest.cs");
        await File.WriteAllTextAsync(failing, """
            using BuildEngine.Definition;
            namespace Pipeline;
            partial class Build
            {
                Target Explode => _ => _.Executes(() => throw new System.InvalidOperationException("boom for the test"));
            }
            """);
        var edited = await repository.RunPowerShellAsync(["Explode"]);
        Assert.Contains("build.ps1: compiling build/", edited.StandardOutput);
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("Explode failed: boom for the test", edited.StandardOutput);
    }
}
