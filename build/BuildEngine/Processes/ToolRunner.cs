using System.Text;
using BuildEngine.Output;
using CliWrap;

namespace BuildEngine.Processes;

/// <summary>How to run one process.</summary>
public sealed record ToolInvocation(string Executable, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Called with every stdout line instead of echoing it (e.g. to render machine-readable output).</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>Stdout goes to this file, byte for byte, instead of being echoed or kept (large or secret output).</summary>
    public string? StandardOutputPath { get; init; }

    /// <summary>Whether stdout/stderr lines are echoed to the build output as they come.</summary>
    public bool EchoOutput { get; init; } = true;

    /// <summary>On cancellation, time the process gets after an interrupt before it is killed.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The outcome of a finished process, with its output kept for parsing.</summary>
public sealed record ToolResult(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError, TimeSpan Duration)
{
    public string Output => string.Join('\n', StandardOutput);
    public string Error => string.Join('\n', StandardError);
}

/// <summary>
/// Runs external programs through CliWrap: echoes the (masked) command line, streams output as it comes,
/// and on cancellation interrupts the process first so it can clean up, then kills it.
/// </summary>
public sealed class ToolRunner(BuildOutput output, IReadOnlyDictionary<string, string> environment)
{
    public async Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        output.Detail("> " + CommandLineText(invocation));
        var stdout = new List<string>();
        var stderr = new List<string>();
        var tool = Path.GetFileName(invocation.Executable);
        var command = Cli.Wrap(invocation.Executable)
            .WithArguments(invocation.Arguments)
            .WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(ChildEnvironment(invocation.Environment))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                lock (stdout) stdout.Add(line);
                output.RecordToolLine(tool, line);
                if (invocation.OnOutputLine is { } handler) handler(line);
                else if (invocation.EchoOutput) output.Info(line);
            }, Encoding.UTF8))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                lock (stderr) stderr.Add(line);
                output.RecordToolLine(tool, line);
                if (invocation.EchoOutput) output.Info(line);
            }, Encoding.UTF8));
        if (invocation.WorkingDirectory is not null)
            command = command.WithWorkingDirectory(invocation.WorkingDirectory);
        if (invocation.StandardOutputPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(invocation.StandardOutputPath))!);
            command = command.WithStandardOutputPipe(PipeTarget.ToFile(invocation.StandardOutputPath));
        }

        using var forceful = new CancellationTokenSource();
        await using var escalation = cancellationToken.Register(() => forceful.CancelAfter(invocation.GracePeriod));
        try
        {
            var result = await command.ExecuteAsync(forceful.Token, cancellationToken);
            return new ToolResult(result.ExitCode, stdout, stderr, result.RunTime);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolNotFoundException(invocation.Executable, e.Message);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.ComponentModel.Win32Exception)
        {
            throw new ToolNotFoundException(invocation.Executable, e.InnerException.Message);
        }
    }

    /// <summary>Writes a line of tool output the way the runner echoes it (for callers that inspect lines first).</summary>
    public void Echo(string line) => output.Info(line);

    /// <summary>
    /// A child sees the build's environment (which a test may have made up), not whatever the host process has,
    /// plus the invocation's own variables.
    /// </summary>
    private Dictionary<string, string?> ChildEnvironment(IReadOnlyDictionary<string, string?> overrides)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = null;
        foreach (var (key, value) in environment)
            variables[key] = value;
        foreach (var (key, value) in overrides)
            variables[key] = value;
        return variables;
    }

    /// <summary>Whether an executable can be found on PATH (or exists, when given a path).</summary>
    public static bool IsInstalled(string executable, IReadOnlyDictionary<string, string> environment)
    {
        if (executable.Contains('/') || executable.Contains('\\'))
            return File.Exists(executable);
        var path = environment.GetValueOrDefault("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, executable)) ||
                              (OperatingSystem.IsWindows() && File.Exists(Path.Combine(directory, executable + ".exe"))));
    }

    private static string CommandLineText(ToolInvocation invocation) =>
        string.Join(' ', new[] { invocation.Executable }.Concat(invocation.Arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => !char.IsWhiteSpace(c) && c is not '"' and not '\'') ? argument : $"'{argument.Replace("'", "'\\''")}'";
}

/// <summary>The program is not installed or not executable.</summary>
public sealed class ToolNotFoundException(string executable, string detail)
    : Exception($"'{executable}' could not be started ({detail}); is it installed and on PATH?")
{
    public string Executable { get; } = executable;
}
