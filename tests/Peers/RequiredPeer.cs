using BuildEngine.Processes;

namespace Tests.Peers;

/// <summary>
/// A real program a test needs. Missing on a laptop: the test is skipped, saying what to install. Missing on CI
/// (CI=true): the test fails, since .ci/run must install or start everything.
/// </summary>
public static class RequiredPeer
{
    public static bool IsCi => System.Environment.GetEnvironmentVariable("CI") == "true";

    public static bool OnPath(string executable) =>
        ToolRunner.IsInstalled(executable, new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "" });

    public static void Require(bool available, string missing)
    {
        if (available) return;
        if (IsCi)
            Assert.Fail($"{missing}; on CI every peer must be there (.ci/run installs or starts it).");
        Skip.If(true, missing);
    }
}
