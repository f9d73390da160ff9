using System.Collections;
using BuildEngine;
using Pipeline;
using Tests.Bootstrap;
using Tests.Engine;

namespace Tests;

/// <summary>
/// A temporary repository holding copies of the pipeline's infrastructure folders, in which the real
/// <see cref="Build"/> runs in-process, one target per run, as a CI job would.
/// </summary>
public sealed class PipelineRun : IDisposable
{
    private readonly TempRoot _root;

    public PipelineRun(params string[] folders) : this(new TempRoot(), folders)
    {
    }

    public PipelineRun(TempRoot root, params string[] folders)
    {
        _root = root;
        foreach (var folder in folders)
            TestFiles.CopyDirectory(Path.Combine(RepositoryCopy.RepositoryRoot, folder), _root.Path / folder);
    }

    public AbsolutePath Root => _root.Path;

    public AbsolutePath Temp => Root / ".nuke" / "temp";

    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepositoryCopy.RepositoryRoot, "..", "shared"));

    public static string DoublesDirectory => Path.Combine(RepositoryCopy.RepositoryRoot, "tests", "Doubles");

    public Task<RunOutcome> RunAsync(string[] args, IDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        // The process's PATH and HOME, so real tools are found; nothing else leaks in from the machine.
        foreach (var name in new[] { "PATH", "HOME" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
                variables[name] = value;
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            variables[key] = value;
        return TestRun.RunAsync(_root, Build.DefaultTarget, args, variables, cancellationToken);
    }

    public void Dispose() => _root.Dispose();

}
