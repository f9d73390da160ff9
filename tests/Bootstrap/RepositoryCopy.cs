using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Tests.Bootstrap;

/// <summary>
/// A copy of the repository's build (build/, build.sh, global.json, .nuke/) in a temp directory, so tests can
/// compile, edit and run it as a real process without touching the checkout.
/// </summary>
public sealed class RepositoryCopy : IDisposable
{
    private static readonly string[] Files = ["build.sh", "build.ps1", "global.json", "Directory.Build.props", ".nuke/parameters.json", ".nuke/build.schema.json"];

    public RepositoryCopy()
    {
        Root = Path.Combine(Path.GetTempPath(), "repo-copy-" + Guid.NewGuid().ToString("N")[..12]);
        TestFiles.CopyDirectory(Path.Combine(RepositoryRoot, "build"), Path.Combine(Root, "build"));
        foreach (var file in Files)
        {
            var target = Path.Combine(Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(RepositoryRoot, file), target);
        }
    }

    public string Root { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public async Task<BufferedCommandResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?> { ["CI"] = null, ["NO_COLOR"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            variables[key] = value;
        return await Cli.Wrap("bash")
            .WithArguments(new[] { Path.Combine(Root, "build.sh") }.Concat(args))
            .WithWorkingDirectory(Root)
            .WithEnvironmentVariables(variables)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8);
    }

    /// <summary>PowerShell 7 (pwsh) on PATH or where `dotnet tool install --global PowerShell` puts it.</summary>
    public static string? PowerShellPath { get; } = new[] { "pwsh" }
        .Select(name => (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists))
        .Concat([Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "pwsh")])
        .FirstOrDefault(path => path is not null && File.Exists(path));

    /// <summary>build.ps1 under PowerShell 7, as a user on Windows (or anywhere pwsh runs) starts it.</summary>
    public async Task<BufferedCommandResult> RunPowerShellAsync(IEnumerable<string> args) =>
        await Cli.Wrap(PowerShellPath!)
            .WithArguments(new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine(Root, "build.ps1") }.Concat(args))
            .WithWorkingDirectory(Root)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["CI"] = null, ["NO_COLOR"] = "1", ["POWERSHELL_TELEMETRY_OPTOUT"] = "1" })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8);

    public void Dispose()
    {
        TestFiles.DeleteDirectory(Root);
    }


    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "build.sh")) && Directory.Exists(Path.Combine(directory.FullName, "build")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
