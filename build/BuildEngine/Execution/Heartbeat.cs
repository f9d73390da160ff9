using System.Diagnostics;
using BuildEngine.Output;

namespace BuildEngine.Execution;

/// <summary>
/// While a target's output stays silent for the interval, prints one line: which target, how long it has run, and the
/// last line a tool printed and how long ago. A person at a terminal sees progress; CI's no-output limit is not hit
/// while a tool waits quietly (Packer printing nothing while an AMI becomes ready).
/// </summary>
internal sealed class Heartbeat(BuildOutput output, TimeSpan interval)
{
    public const string EnvironmentVariable = "BUILD_HEARTBEAT_SECONDS";
    private const int LongestToolLine = 160;

    public static TimeSpan IntervalFrom(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue(EnvironmentVariable, out var text) && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(1);

    public async Task RunAsync(string target, Stopwatch elapsed, CancellationToken stop)
    {
        var tick = TimeSpan.FromTicks(Math.Max(interval.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        using var timer = new PeriodicTimer(tick);
        // The target's end disposes the timer, which ends the wait with false: a cancelled wait would throw, and a
        // process's first exception costs its run about 20 ms (the exception machinery, stack trace, resources).
        using var finished = stop.Register(timer.Dispose);
        while (await timer.WaitForNextTickAsync())
        {
            if (output.SilentFor >= interval)
                output.Detail(Line(target, elapsed.Elapsed));
        }
    }

    private string Line(string target, TimeSpan elapsed)
    {
        var running = $"… {target} still running after {Durations.Format(elapsed)}";
        if (output.LastToolLine is not { } last)
            return $"{running}; no tool output yet";
        var line = last.Line.Trim();
        if (line.Length > LongestToolLine) line = line[..LongestToolLine] + "…";
        return $"{running}; {last.Tool}'s last line, {Durations.Format(last.Age)} ago: {line}";
    }
}
