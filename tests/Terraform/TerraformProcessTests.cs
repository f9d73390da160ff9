using System.Diagnostics;
using BuildEngine;
using Tests.Bootstrap;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// TerraformPlan and TerraformApply as CircleCI runs them: `./build.sh &lt;Target&gt; --skip` as separate processes,
/// the real terraform on the test module, state on moto locked with the S3 lock object only; SIGTERM (CircleCI
/// cancelling a job) during the apply, and SIGKILL (a lost runner) leaving the lock for StateLock and ForceUnlock.
/// The copy of the repository is shared by the class (compiled once); moto is emptied before each test.
/// </summary>
public sealed partial class TerraformProcessTests(MotoServer moto, RepositoryCopy repository)
    : IClassFixture<MotoServer>, IClassFixture<RepositoryCopy>, IAsyncLifetime
{
    private readonly RepositoryCopy _repository = repository;

    public async Task InitializeAsync()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled, "terraform is not on PATH (every machine of this kind has Terraform 1.11)");
        RequiredPeer.Require(MotoServer.IsInstalled, "moto_server is not installed (pip install 'moto[server]')");
        await moto.ResetAsync();
        await moto.CreateStateBackendAsync(TestModule.StateBucket, TestModule.LockTable);
        TestModule.Install(_repository.Root);
        // The lock object alone (use_lockfile), as after the DynamoDB table is retired; RealTerraformTests take both.
        foreach (var backend in Directory.GetFiles(Path.Combine(_repository.Root, "infra", "environments"), "*.s3.tfbackend"))
            File.WriteAllLines(backend, File.ReadAllLines(backend).Where(l => !l.TrimStart().StartsWith("dynamodb_table", StringComparison.Ordinal)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Dictionary<string, string?> Environment(params (string Key, string Value)[] extra)
    {
        var environment = moto.Environment().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["CI"] = "true";
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = "c0ffee1";
        environment["CIRCLE_BRANCH"] = "main";
        environment["TF_CLI_CONFIG_FILE"] = null;
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    /// <summary>A real <c>./build.sh TerraformApply --skip</c> process whose apply sleeps while it holds the lock.</summary>
    private Process StartApply(string launcher, int sleepSeconds)
    {
        string[] command = [Path.Combine(_repository.Root, "build.sh"), "TerraformApply", "--skip"];
        var start = new ProcessStartInfo(launcher, launcher == "bash" ? command : ["bash", .. command])
        {
            WorkingDirectory = _repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in Environment(("TEST_APPLY_SLEEP", sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))))
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return Process.Start(start)!;
    }

    private async Task<bool> LockHeldAsync() =>
        (await moto.LinesAsync("objects", TestModule.StateBucket)).Contains("dev/terraform.tfstate.tflock");

    [SkippableFact]
    public async Task SIGTERM_during_an_apply_interrupts_terraform_releases_the_lock_and_exits_130()
    {
        var plan = await _repository.RunAsync(["TerraformPlan", "--skip"], Environment());
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);

        // Long enough to be seen holding the lock on a loaded runner; SIGTERM ends it long before.
        using var apply = StartApply("bash", sleepSeconds: 30);
        var output = apply.StandardOutput.ReadToEndAsync();
        var errors = apply.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await LockHeldAsync())
        {
            Assert.True(DateTime.UtcNow < deadline && !apply.HasExited, "the apply never took the state lock: " + (apply.HasExited ? await output + await errors : ""));
            await Task.Delay(200);
        }

        Process.Start("kill", ["-TERM", apply.Id.ToString()])!.WaitForExit();
        await apply.WaitForExitAsync();

        var printed = await output;
        Assert.True(apply.ExitCode == ExitCodes.Cancelled, printed + await errors);
        Tests.Engine.Expect.Matches(@"TerraformApply\s+Aborted", printed);
        Assert.False(await LockHeldAsync());
        var next = await _repository.RunAsync(["TerraformPlan", "--skip"], Environment());
        Assert.True(next.ExitCode == 0, next.StandardOutput + next.StandardError);
    }
}
