namespace BuildEngine.Output;

public enum OutputKind
{
    Normal,
    Detail,
    Header,
    Success,
    Warning,
    Error,
}

/// <summary>
/// Everything the build prints goes through here: masked by the one <see cref="SecretMasker"/>, written to the
/// console (colours only on a terminal) and to the log file.
/// </summary>
public sealed class BuildOutput : IDisposable
{
    private readonly TextWriter _console;
    private readonly bool _colours;
    private readonly Lock _gate = new();
    private TextWriter? _log;
    private long _lastWrite = System.Diagnostics.Stopwatch.GetTimestamp();
    private ToolLine? _lastToolLine;

    public BuildOutput(TextWriter console, bool colours, SecretMasker masker)
    {
        _console = console;
        _colours = colours;
        Masker = masker;
    }

    public SecretMasker Masker { get; }

    /// <summary>How long nothing has been written to the console.</summary>
    public TimeSpan SilentFor => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastWrite));

    /// <summary>The last line any tool printed (echoed or not), for the heartbeat; shown masked like everything.</summary>
    public (string Tool, string Line, TimeSpan Age)? LastToolLine =>
        _lastToolLine is { } last ? (last.Tool, last.Line, System.Diagnostics.Stopwatch.GetElapsedTime(last.Timestamp)) : null;

    public void RecordToolLine(string tool, string line)
    {
        if (line.Trim().Length > 0)
            _lastToolLine = new ToolLine(tool, line, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    private sealed record ToolLine(string Tool, string Line, long Timestamp);

    /// <summary>Starts copying output to a log file (truncated); lines written before are not in it.</summary>
    public void OpenLog(AbsolutePath file)
    {
        file.Parent.CreateDirectory();
        var writer = new StreamWriter(file, append: false) { AutoFlush = true };
        lock (_gate) _log = writer;
    }

    public void Write(string text, OutputKind kind = OutputKind.Normal)
    {
        var masked = Masker.Apply(text);
        lock (_gate)
        {
            if (_colours && Colour(kind) is { } colour)
                _console.WriteLine($"\u001b[{colour}m{masked}\u001b[0m");
            else
                _console.WriteLine(masked);
            _log?.WriteLine(masked);
        }
        Interlocked.Exchange(ref _lastWrite, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public void Info(string text) => Write(text);

    public void Detail(string text) => Write(text, OutputKind.Detail);

    public void Success(string text) => Write(text, OutputKind.Success);

    public void Warning(string text) => Write("warning: " + text, OutputKind.Warning);

    public void Error(string text) => Write("error: " + text, OutputKind.Error);

    /// <summary>Written to the log file only (stack traces, diagnostics).</summary>
    public void LogOnly(string text)
    {
        var masked = Masker.Apply(text);
        lock (_gate) _log?.WriteLine(masked);
    }

    public void Header(string title)
    {
        Write("");
        Write($"═══ {title} " + new string('═', Math.Max(3, 60 - title.Length)), OutputKind.Header);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private static string? Colour(OutputKind kind) => kind switch
    {
        OutputKind.Header => "1;36",
        OutputKind.Success => "32",
        OutputKind.Warning => "33",
        OutputKind.Error => "31",
        OutputKind.Detail => "90",
        _ => null,
    };
}
