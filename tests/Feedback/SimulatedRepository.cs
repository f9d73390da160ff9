using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Tests.Bootstrap;

namespace Tests.Feedback;

/// <summary>What one CircleCI job printed, and the log file it left.</summary>
public sealed record JobRun(string Job, int ExitCode, string Output, string Log);

/// <summary>
/// A copy of the whole repository (build, infra, packer, ansible, .nuke, .circleci) in which ./build.sh runs as a
/// real process per job, the way CircleCI runs it. Compiled once, on the first job.
/// </summary>
public sealed class SimulatedRepository : IDisposable
{
    private static readonly string[] Folders = ["build", "infra", "packer", "ansible", ".nuke", ".circleci"];
    private static readonly string[] Files = ["build.sh", "global.json", "Directory.Build.props"];

    public SimulatedRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "simulated-repo-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var folder in Folders)
            TestFiles.CopyDirectory(Path.Combine(RepositoryCopy.RepositoryRoot, folder), Path.Combine(Root, folder));
        foreach (var file in Files)
            File.Copy(Path.Combine(RepositoryCopy.RepositoryRoot, file), Path.Combine(Root, file));
        ShareCompiledBuild();
    }

    private static readonly Lock CompileGate = new();
    private static string? _compiledBuild;

    /// <summary>
    /// Every simulated repository runs the same build/: the first compiles it, the others start from a copy of its
    /// compiled build, as a CircleCI job restores the cache keyed on the same inputs hash (build.sh checks the hash
    /// and the files, so a copy that does not match is compiled again). Cold compiles are BuildScriptTests' subject.
    /// </summary>
    private void ShareCompiledBuild()
    {
        var bin = Path.Combine(Temp, "build-bin");
        lock (CompileGate)
        {
            if (_compiledBuild is null)
            {
                var compile = Cli.Wrap("bash").WithArguments(["./build.sh", "--plan"]).WithWorkingDirectory(Root)
                    .WithEnvironmentVariables(new Dictionary<string, string?> { ["CI"] = "true", ["NO_COLOR"] = "1" })
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
                if (compile.ExitCode != 0 || !Directory.Exists(bin)) return;
                var shared = Path.Combine(Path.GetTempPath(), $"compiled-build-{System.Environment.ProcessId}");
                TestFiles.CopyDirectory(bin, shared, everything: true);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => TestFiles.DeleteDirectory(shared);
                _compiledBuild = shared;
                return;
            }
        }
        TestFiles.CopyDirectory(_compiledBuild, bin, everything: true);
    }

    public string Root { get; }

    public string Temp => Path.Combine(Root, ".nuke", "temp");

    /// <summary>Forgets what earlier jobs left (the workspace), keeping the compiled build.</summary>
    public void ResetWorkspace()
    {
        if (!Directory.Exists(Temp)) return;
        foreach (var directory in Directory.GetDirectories(Temp).Where(d => Path.GetFileName(d) != "build-bin"))
            Directory.Delete(directory, recursive: true);
    }

    public async Task<JobRun> RunJobAsync(string job, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string?>(environment.ToDictionary(e => e.Key, e => (string?)e.Value)) { ["NO_COLOR"] = "1", ["CIRCLE_JOB"] = job };
        var result = await Cli.Wrap("bash")
            .WithArguments(["./build.sh", .. arguments])
            .WithWorkingDirectory(Root)
            .WithEnvironmentVariables(variables)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8);
        var log = Path.Combine(Temp, "build.log");
        return new JobRun(job, result.ExitCode, result.StandardOutput + result.StandardError, File.Exists(log) ? File.ReadAllText(log) : "");
    }

    /// <summary>./build.sh as a user runs it in this repository: the given variables over the machine's (null removes one).</summary>
    public async Task<BufferedCommandResult> RunBuildShAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment) =>
        await Cli.Wrap("bash")
            .WithArguments(["./build.sh", .. args])
            .WithWorkingDirectory(Root)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8);

    /// <summary>Runs a job's preparation steps (bash -eo pipefail, as CircleCI does) in the repository; false when one fails.</summary>
    public async Task<bool> RunCommandsAsync(IEnumerable<string> commands, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var command in commands)
        {
            var result = await Cli.Wrap("bash")
                .WithArguments(["-eo", "pipefail", "-c", command])
                .WithWorkingDirectory(Root)
                .WithEnvironmentVariables(environment.ToDictionary(e => e.Key, e => (string?)e.Value))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8);
            if (result.ExitCode != 0) return false;
        }
        return true;
    }

    /// <summary>Every text file the runs left or the repository generates: where a leaked secret would be.</summary>
    public IEnumerable<(string Path, string Text)> WrittenFiles()
    {
        var roots = new[] { Temp, Path.Combine(Root, ".circleci"), Path.Combine(Root, "build", "Properties") };
        foreach (var file in roots.Where(Directory.Exists).SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories)))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}build-bin{Path.DirectorySeparatorChar}") || file.EndsWith(".tfplan")) continue;
            yield return (file, File.ReadAllText(file));
        }
        yield return (".nuke/build.schema.json", File.ReadAllText(Path.Combine(Root, ".nuke", "build.schema.json")));
    }

    public void Dispose()
    {
        TestFiles.DeleteDirectory(Root);
    }

}
