using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Tests.Feedback;

namespace Tests.Bootstrap;

/// <summary>
/// Generated files are made from the compiled build and from .nuke/parameters*.json (a profile's RequireApproval
/// decides an approval job): editing a profile and running ./build.sh regenerates them, so Validate on CI passes.
/// </summary>
[Collection(RepositoryProcesses.Name)]
public sealed class GeneratedFilesFollowSettingsTests(SimulatedRepository repository)
{
    private async Task<BufferedCommandResult> RunAsync(bool ci, params string[] args) =>
        await repository.RunBuildShAsync(args, new Dictionary<string, string?> { ["CI"] = ci ? "true" : null, ["CIRCLECI"] = null, ["NO_COLOR"] = "1" });

    [Fact]
    public async Task Changing_a_profile_setting_and_running_build_sh_regenerates_the_CircleCI_config()
    {
        var profile = Path.Combine(repository.Root, ".nuke", "parameters.staging.json");
        var config = Path.Combine(repository.Root, ".circleci", "config.yml");
        var original = await File.ReadAllTextAsync(profile);
        Assert.True((await RunAsync(false, "--plan")).ExitCode == 0);
        var approvals = Approvals(await File.ReadAllTextAsync(config));
        try
        {
            await File.WriteAllTextAsync(profile, original.Replace("\"RequireApproval\": true", "\"RequireApproval\": false", StringComparison.Ordinal));

            var stale = await RunAsync(true, "Validate", "--skip");
            Assert.True(stale.ExitCode != 0, stale.StandardOutput);
            Assert.Contains("Generated files are out of date: .circleci/config.yml", stale.StandardOutput);

            var local = await RunAsync(false, "--plan");
            Assert.True(local.ExitCode == 0, local.StandardOutput + local.StandardError);
            Assert.Contains("Regenerated .circleci/config.yml", local.StandardOutput);
            // The deploy workflow's approval before staging's apply is gone; rollback and teardown keep theirs.
            Assert.Equal(approvals - 1, Approvals(await File.ReadAllTextAsync(config)));

            var validate = await RunAsync(true, "Validate", "--skip");
            Assert.True(validate.ExitCode == 0, validate.StandardOutput + validate.StandardError);
            Assert.Contains("Generated files are current", validate.StandardOutput);
        }
        finally
        {
            await File.WriteAllTextAsync(profile, original);
            await RunAsync(false, "--plan");
        }
        Assert.Equal(approvals, Approvals(await File.ReadAllTextAsync(config)));
    }

    private static int Approvals(string config) =>
        config.Split('\n').Count(l => l.Trim() == "- approve-TerraformApply-staging:");
}
