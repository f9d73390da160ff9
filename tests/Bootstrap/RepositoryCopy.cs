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
    private static readonly string[] Files = ["build.sh", "global.json", "Directory.Build.props", ".nuke/parameters.json", ".nuke/build.schema.json"];

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
