using BuildEngine.Execution;

namespace BuildEngine.Output;

/// <summary>The table that ends every run: target, status (with the skip reason), duration, outcome.</summary>
public static class SummaryTable
{
    public static void Write(BuildOutput output, BuildResult result, TimeSpan total)
    {
        // A row class and plain loops: LINQ over a tuple of five has no precompiled code and costs every run its compile.
        var rows = new List<Row>(result.Targets.Count);
        int targetWidth = "Target".Length, statusWidth = "Status".Length;
        foreach (var t in result.Targets)
        {
            var row = new Row(t.Target, t.Status.ToString(), t.Duration > TimeSpan.Zero ? Durations.Format(t.Duration) : "", t.Summary ?? t.Reason ?? "", Kind(t.Status));
            rows.Add(row);
            targetWidth = Math.Max(targetWidth, row.Target.Length);
            statusWidth = Math.Max(statusWidth, row.Status.Length);
        }
        var durationWidth = Math.Max("Duration".Length, Durations.Format(total).Length);
        var rule = new string('─', targetWidth + statusWidth + durationWidth + 30);

        string Line(string target, string status, string duration, string details) =>
            $"{target.PadRight(targetWidth)}  {status.PadRight(statusWidth)}  {duration.PadLeft(durationWidth)}  {details}".TrimEnd();

        output.Write("");
        output.Write(rule, OutputKind.Header);
        output.Write(Line("Target", "Status", "Duration", ""), OutputKind.Header);
        output.Write(rule, OutputKind.Header);
        foreach (var row in rows)
            output.Write(Line(row.Target, row.Status, row.Duration, row.Details), row.Kind);
        output.Write(rule, OutputKind.Header);
        output.Write(Line("Total", "", Durations.Format(total), ""));
        output.Write("");
        if (result.Succeeded)
            output.Success($"Build succeeded on {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}.");
        else
            output.Error($"Build failed on {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}.");
    }

    private sealed record Row(string Target, string Status, string Duration, string Details, OutputKind Kind);

    private static OutputKind Kind(TargetStatus status) => status switch
    {
        TargetStatus.Succeeded => OutputKind.Success,
        TargetStatus.Failed or TargetStatus.Aborted => OutputKind.Error,
        TargetStatus.NotRun => OutputKind.Warning,
        _ => OutputKind.Detail,
    };
}
