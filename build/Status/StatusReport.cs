using System.Text;
using System.Text.Json;

namespace Pipeline.Status;

/// <summary>One cell: a value, or why there is none (a source that did not answer says so instead of failing the report).</summary>
public sealed record StatusCell(string? Value, string? Url = null, string? Unavailable = null)
{
    public static StatusCell None { get; } = new("—");

    public static StatusCell Failed(string source, Exception e) => new(null, Unavailable: $"{source} unavailable: {FirstLine(e.Message)}");

    public string Text => Unavailable ?? Value ?? "—";

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 80 ? line[..79] + "…" : line;
    }
}

/// <summary>What runs in one environment, what verified it, what a rollback would choose, and what GitHub and the state say.</summary>
public sealed record StatusRow(string Environment, StatusCell LiveImage, StatusCell Verified, StatusCell RollbackTarget, StatusCell Deployment, StatusCell Drift, StatusCell? Lock);

/// <summary>The status table as text (aligned columns), Markdown (a comment or job summary) or JSON (scripts).</summary>
public static class StatusReport
{
    private static readonly string[] Columns = ["environment", "live image", "verified (commit, time)", "rollback would choose", "latest deployment", "drift issue", "state lock"];

    public static string Format(IReadOnlyList<StatusRow> rows, string format) => format switch
    {
        "json" => Json(rows),
        "md" => Markdown(rows),
        _ => Table(rows),
    };

    private static IEnumerable<string[]> Cells(IReadOnlyList<StatusRow> rows, bool withLock) => rows.Select(r =>
        new[] { r.Environment, r.LiveImage.Text, r.Verified.Text, r.RollbackTarget.Text, Linked(r.Deployment, markdown: false), Linked(r.Drift, markdown: false) }
            .Concat(withLock ? [r.Lock?.Text ?? "—"] : []).ToArray());

    private static string Table(IReadOnlyList<StatusRow> rows)
    {
        var withLock = rows.Any(r => r.Lock is not null);
        var header = Columns.Take(withLock ? 7 : 6).ToArray();
        var lines = Cells(rows, withLock).Prepend(header).ToList();
        var widths = header.Select((_, i) => lines.Max(l => l[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in lines)
            text.AppendLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return text.ToString();
    }

    private static string Markdown(IReadOnlyList<StatusRow> rows)
    {
        var withLock = rows.Any(r => r.Lock is not null);
        var header = Columns.Take(withLock ? 7 : 6).ToArray();
        var text = new StringBuilder("### What runs where\n\n");
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            var cells = new[] { row.Environment, row.LiveImage.Text, row.Verified.Text, row.RollbackTarget.Text, Linked(row.Deployment, markdown: true), Linked(row.Drift, markdown: true) }
                .Concat(withLock ? [row.Lock?.Text ?? "—"] : []);
            text.AppendLine("| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
        return text.ToString();
    }

    private static string Linked(StatusCell cell, bool markdown) =>
        cell.Url is null || cell.Unavailable is not null ? cell.Text : markdown ? $"[{cell.Text}]({cell.Url})" : $"{cell.Text} {cell.Url}";

    private static string Json(IReadOnlyList<StatusRow> rows)
    {
        static object Cell(StatusCell? cell) => cell is null ? new { available = false, value = (string?)null, url = (string?)null, unavailable = (string?)"not read" }
            : new { available = cell.Unavailable is null, value = cell.Value, url = cell.Url, unavailable = cell.Unavailable };
        return JsonSerializer.Serialize(rows.Select(r => new
        {
            environment = r.Environment,
            live_image = Cell(r.LiveImage),
            verified = Cell(r.Verified),
            rollback_target = Cell(r.RollbackTarget),
            deployment = Cell(r.Deployment),
            drift_issue = Cell(r.Drift),
            state_lock = r.Lock is null ? null : Cell(r.Lock),
        }), new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
