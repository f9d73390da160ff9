using System.Collections;

namespace BuildEngine;

/// <summary>What the outside world gives one run: where it is, its environment, where to print. Tests make their own.</summary>
public sealed record BuildHost
{
    public required AbsolutePath RootDirectory { get; init; }
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    public required TextWriter Console { get; init; }
    public required string CurrentDirectory { get; init; }
    public bool UseColours { get; init; }

    /// <summary>CI=true (CircleCI, GitHub Actions and most others set it).</summary>
    public bool IsCi => Environment.TryGetValue("CI", out var ci) && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public static BuildHost FromProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        var host = new BuildHost
        {
            RootDirectory = FindRoot(System.Environment.CurrentDirectory) ?? FindRoot(AppContext.BaseDirectory)
                ?? throw new InvalidOperationException("Cannot find the repository root: no .nuke directory above the current directory."),
            Environment = environment,
            Console = System.Console.Out,
            CurrentDirectory = System.Environment.CurrentDirectory,
        };
        var colours = !System.Console.IsOutputRedirected && !host.IsCi && !environment.ContainsKey("NO_COLOR")
                      && environment.GetValueOrDefault("TERM") != "dumb";
        return host with { UseColours = colours };
    }

    private static AbsolutePath? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".nuke")))
                return AbsolutePath.Create(directory.FullName);
        }
        return null;
    }
}
