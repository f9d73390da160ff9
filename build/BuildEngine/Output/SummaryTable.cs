using BuildEngine.Execution;

namespace BuildEngine.Output;

/// <summary>The table that ends every run: target, status (with the skip reason), duration, outcome.</summary>
public static class SummaryTable
{
    public static void Write(BuildOutput output, BuildResult result, TimeSpan total)
    {
        var rows = result.Targets.Select(t => (
            Target: t.Target,
            Status: t.Status.ToString(),
            Duration: t.Duration > TimeSpan.Zero ? Durations.Format(t.Duration) : "",
            Details: t.Summary ?? t.Reason ?? "",
            Kind: Kind(t.Status))).ToList();

        var targetWidth = Math.Max("Target".Length, rows.Select(r => r.Target.Length).DefaultIfEmpty(0).Max());
        var statusWidth = Math.Max("Status".Length, rows.Select(r => r.Status.Length).DefaultIfEmpty(0).Max());
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

    private static OutputKind Kind(TargetStatus status) => status switch
    {
        TargetStatus.Succeeded => OutputKind.Success,
        TargetStatus.Failed or TargetStatus.Aborted => OutputKind.Error,
        TargetStatus.NotRun => OutputKind.Warning,
        _ => OutputKind.Detail,
    };
}
