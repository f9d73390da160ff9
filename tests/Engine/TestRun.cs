using BuildEngine;
using BuildEngine.Definition;

namespace Tests.Engine;

/// <summary>A temporary repository root with a .nuke directory, removed on dispose.</summary>
public sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = AbsolutePath.Create(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engine-test-" + Guid.NewGuid().ToString("N")[..12]));
        (Path / ".nuke").CreateDirectory();
    }

    /// <summary>A root whose full path is exactly <paramref name="pathLength"/> characters (a checkout at a long path).</summary>
    public TempRoot(int pathLength)
    {
        var prefix = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "checkout-" + Guid.NewGuid().ToString("N")[..12] + "-");
        if (prefix.Length >= pathLength) throw new ArgumentOutOfRangeException(nameof(pathLength), $"the temp folder alone takes {prefix.Length} characters");
        Path = AbsolutePath.Create(prefix + new string('x', pathLength - prefix.Length));
        (Path / ".nuke").CreateDirectory();
    }

    public AbsolutePath Path { get; }

    public AbsolutePath Write(string relative, string content)
    {
        var file = Path / relative;
        file.Parent.CreateDirectory();
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        TestFiles.DeleteDirectory(Path);
    }
}

/// <summary>The outcome of one in-process run of a test build.</summary>
public sealed record RunOutcome(int ExitCode, string Output, string Log);

/// <summary>Runs a build in-process against a temporary root, as ./build.sh would.</summary>
public static class TestRun
{
    public static async Task<RunOutcome> RunAsync<TBuild>(
        TempRoot root, Func<TBuild, Target> defaultTarget, string[] args,
        Dictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
        where TBuild : BuildBase, new()
    {
        var console = new StringWriter();
        var host = new BuildHost
        {
            RootDirectory = root.Path,
            Environment = environment ?? new Dictionary<string, string>(),
            Console = console,
            CurrentDirectory = root.Path,
        };
        var exitCode = await BuildRunner.RunAsync(args, host, defaultTarget, cancellationToken);
        var log = root.Path / ".nuke" / "temp" / "build.log";
        return new RunOutcome(exitCode, console.ToString(), log.FileExists() ? File.ReadAllText(log) : "");
    }

    public static async Task<RunOutcome> RunAsync<TBuild>(Func<TBuild, Target> defaultTarget, params string[] args)
        where TBuild : BuildBase, new()
    {
        using var root = new TempRoot();
        return await RunAsync(root, defaultTarget, args);
    }
}
