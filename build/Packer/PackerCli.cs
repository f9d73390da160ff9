using BuildEngine.Output;
using BuildEngine.Processes;

namespace Pipeline.Packer;

/// <summary>A failed <c>packer build</c>, with Packer's own error lines.</summary>
public sealed class PackerBuildException(string message) : Exception(message);

/// <summary>What <c>packer build -machine-readable</c> reported.</summary>
public sealed record PackerBuildOutput(IReadOnlyList<RegionalImage> ArtifactImages);

/// <summary>The Packer CLI: typed settings in, typed results out, every call through the engine's tool runner.</summary>
public sealed class PackerCli(ToolRunner tools, BuildOutput output, string executable, IReadOnlyDictionary<string, string?> environment)
{
    /// <summary>CHECKPOINT_DISABLE: no call to HashiCorp's version-check service on every run.</summary>
    private IReadOnlyDictionary<string, string?> ChildEnvironment => new Dictionary<string, string?>(environment) { ["CHECKPOINT_DISABLE"] = "1" };

    public async Task<PackerVersion> VersionAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["version"], null, cancellationToken, echo: false);
        return PackerVersion.Parse(result.Output);
    }

    /// <summary><c>packer fmt -check -diff</c>: fails with the diff when a file is not formatted.</summary>
    public async Task FormatCheckAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["fmt", "-check", "-diff", "."], directory, cancellationToken);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"packer fmt: files in {directory} are not formatted (diff above); run 'packer fmt {directory}'.");
    }

    public async Task InitAsync(string directory, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["init", "."], directory, cancellationToken);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"packer init failed in {directory} (exit code {result.ExitCode}): {FirstError(result)}");
    }

    public async Task ValidateAsync(string directory, PackerVariables variables, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["validate", .. variables.ToArguments(), "."], directory, cancellationToken);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"packer validate failed in {directory} (exit code {result.ExitCode}): {FirstError(result)}");
    }

    /// <summary>
    /// <c>packer build -machine-readable</c>, showing its ui lines readably as they come. On cancellation Packer
    /// is interrupted first so it can terminate its temporary instance.
    /// </summary>
    public async Task<PackerBuildOutput> BuildAsync(string directory, PackerVariables variables, CancellationToken cancellationToken)
    {
        var images = new List<RegionalImage>();
        var errors = new List<string>();
        void OnLine(string line)
        {
            var parsed = MachineReadableLine.Parse(line);
            if (parsed is null)
            {
                output.Info(line);
                return;
            }
            images.AddRange(parsed.ArtifactImages);
            if (parsed.Ui is not { } ui) return;
            foreach (var text in ui.Text.TrimEnd('\n').Split('\n'))
            {
                if (ui.Kind == "error") { errors.Add(text.Trim()); output.Write(text, OutputKind.Error); }
                else output.Write(text, ui.Kind == "say" ? OutputKind.Normal : OutputKind.Detail);
            }
        }

        var invocation = new ToolInvocation(executable, ["build", "-machine-readable", "-color=false", .. variables.ToArguments(), "."])
        {
            WorkingDirectory = directory,
            Environment = ChildEnvironment,
            OnOutputLine = OnLine,
            GracePeriod = TimeSpan.FromMinutes(5),
        };
        var result = await tools.RunAsync(invocation, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
        {
            var reported = errors.Where(e => e.Length > 0).DefaultIfEmpty(FirstError(result));
            throw new PackerBuildException($"packer build failed (exit code {result.ExitCode}): {string.Join(" | ", reported)}");
        }
        return new PackerBuildOutput(images);
    }

    private Task<ToolResult> RunAsync(string[] arguments, string? directory, CancellationToken cancellationToken, bool echo = true) =>
        tools.RunAsync(new ToolInvocation(executable, arguments) { WorkingDirectory = directory, Environment = ChildEnvironment, EchoOutput = echo }, cancellationToken);

    private static string FirstError(ToolResult result) =>
        result.StandardError.Concat(result.StandardOutput).FirstOrDefault(l => l.Contains("Error", StringComparison.OrdinalIgnoreCase))?.Trim()
        ?? result.StandardError.Concat(result.StandardOutput).LastOrDefault(l => l.Trim().Length > 0)?.Trim()
        ?? "no output";
}
