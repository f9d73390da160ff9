using Tests.Engine;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// Jobs of a pipeline on main with the real terraform on the test module and its state on moto: each job a checkout
/// of its own (as each CircleCI job has), CircleCI's variables, moto's endpoint and credentials.
/// </summary>
public sealed class TerraformJobs(MotoServer moto) : IDisposable
{
    private readonly List<PipelineRun> _runs = [];

    /// <summary>Requires the peers, and gives the test an empty account with the state bucket and lock table.</summary>
    public async Task StartAsync()
    {
        RequiredPeer.Require(TestModule.TerraformInstalled, "terraform is not on PATH (every machine of this kind has Terraform 1.11)");
        RequiredPeer.Require(MotoServer.IsInstalled, "moto_server is not installed (pip install 'moto[server]')");
        await moto.ResetAsync();
        await moto.CreateStateBackendAsync(TestModule.StateBucket, TestModule.LockTable);
    }

    /// <summary>A checkout with the test module in infra/, or with infra/ itself (<paramref name="realModule"/>).</summary>
    public PipelineRun Checkout(bool realModule = false)
    {
        PipelineRun run;
        if (realModule)
        {
            run = new PipelineRun("infra", ".nuke");
            TestModule.UsePathStyle(run.Root);
        }
        else
        {
            run = TestModule.CreateRun();
        }
        _runs.Add(run);
        return run;
    }

    public Dictionary<string, string> Main(string commit, params (string Key, string Value)[] extra)
    {
        var environment = moto.Environment();
        environment["CI"] = "true";
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = commit;
        environment["CIRCLE_BRANCH"] = "main";
        environment["AWS_RETRY_BASE_DELAY_MS"] = "5";
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    public static async Task<RunOutcome> Succeeds(Task<RunOutcome> run)
    {
        var outcome = await run;
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    public void Dispose()
    {
        foreach (var run in _runs) run.Dispose();
    }
}
