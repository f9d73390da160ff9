using BuildEngine;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// infra/ itself, the module users deploy, with the real hashicorp/aws provider from the machine's filesystem mirror
/// and the real Terraform.
/// </summary>
public sealed class RealModuleTests : IDisposable
{
    private readonly PipelineRun _run = new("infra", ".nuke");

    public void Dispose() => _run.Dispose();

    private static Dictionary<string, string> OnCi() => new()
    {
        ["CI"] = "true",
        ["TF_CLI_CONFIG_FILE"] = ProviderMirror.CliConfigFile,
        ["CIRCLE_SHA1"] = "c0ffee1",
        ["CIRCLE_BRANCH"] = "main",
    };

    [SkippableFact]
    public async Task TerraformValidate_on_CI_initialises_infra_with_the_locked_provider_and_validates_it()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled, "terraform is not installed");
        ProviderMirror.Require();

        var outcome = await _run.RunAsync(["TerraformValidate"], OnCi());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Tests.Engine.Expect.Matches(@"TerraformValidate\s+Succeeded\s+[\d.]+ s\s+configuration valid \(terraform 1\.\d+\.\d+\)", outcome.Output);
        Assert.Contains("hashicorp/aws v5.100.0", outcome.Output);
    }

    [SkippableFact]
    public async Task A_lock_file_selecting_a_version_no_source_has_fails_in_one_line_saying_so_not_as_offline()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled, "terraform is not installed");
        ProviderMirror.Require();
        var lockFile = _run.Root / "infra" / ".terraform.lock.hcl";
        File.WriteAllText(lockFile, File.ReadAllText(lockFile).Replace("version     = \"5.100.0\"", "version     = \"5.82.2\"", StringComparison.Ordinal));

        foreach (var environment in new[] { OnCi(), new Dictionary<string, string>(OnCi()) { ["CI"] = "" } })
        {
            var outcome = await _run.RunAsync(["TerraformValidate"], environment);

            Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
            Assert.Contains("error: TerraformValidate failed: infra/.terraform.lock.hcl selects hashicorp/aws 5.82.2, which no provider source Terraform is configured with has", outcome.Output);
            Assert.DoesNotContain("SKIPPED", outcome.Output);
        }
    }
}
