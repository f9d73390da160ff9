using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Policies;

/// <summary>A policy report as JSON (policy.json, summary.json), a Markdown section (the PR comment) and log lines.</summary>
public static class PolicyReportFormats
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>policy.json: the report alone, written as it goes, every text through <paramref name="mask"/>.</summary>
    public static void WriteJson(Stream stream, PolicyReport report, Func<string, string> mask)
    {
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
            WriteReport(writer, report, mask);
        stream.Write("\n"u8);
    }

    /// <summary>summary.json with the report as its <c>policy</c> property (any earlier one replaced).</summary>
    public static void WriteIntoSummary(Stream stream, JsonObject summary, PolicyReport report, Func<string, string> mask)
    {
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in summary.Where(p => p.Key != "policy"))
            {
                writer.WritePropertyName(name);
                if (value is null) writer.WriteNullValue(); else value.WriteTo(writer);
            }
            writer.WritePropertyName("policy");
            WriteReport(writer, report, mask);
            writer.WriteEndObject();
        }
        stream.Write("\n"u8);
    }

    private static void WriteReport(Utf8JsonWriter writer, PolicyReport report, Func<string, string> mask)
    {
        void Violation(PolicyViolation v)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", v.Rule);
            writer.WriteString("address", mask(v.Address));
            writer.WriteString("reason", mask(v.Reason));
            writer.WriteBoolean("counts", v.Counts);
            if (v.Waiver is null)
                writer.WriteNull("waiver");
            else
            {
                writer.WriteStartObject("waiver");
                writer.WriteString("reason", mask(v.Waiver.Reason));
                writer.WriteString("expires", v.Waiver.Expires.ToString("yyyy-MM-dd"));
                writer.WriteBoolean("expired", v.WaiverExpired);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        writer.WriteStartObject();
        writer.WriteString("environment", report.Environment);
        writer.WriteBoolean("passed", report.Passed);
        writer.WriteString("summary", report.OneLine);
        writer.WriteString("plan_sha256", report.PlanSha256);
        writer.WriteBoolean("plan_has_changes", report.PlanHasChanges);
        writer.WriteNumber("evaluated", report.Evaluated);
        writer.WriteStartArray("rules");
        foreach (var rule in report.Rules)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", rule.Rule);
            writer.WriteString("description", rule.Description);
            writer.WriteNumber("evaluated", rule.Evaluated);
            writer.WriteBoolean("passed", rule.Passed);
            writer.WriteStartArray("violations");
            foreach (var violation in rule.Violations) Violation(violation);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("plan_violations");
        foreach (var violation in report.PlanViolations) Violation(violation);
        writer.WriteEndArray();
        writer.WriteStartArray("unused_waivers");
        foreach (var waiver in report.UnusedWaivers)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", waiver.Rule);
            writer.WriteString("address", mask(waiver.Address));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The section of the plan comment: a line per rule, then what counts, what is waived, what expired.</summary>
    /// <param name="listed">At most this many items per list (the PR comment); the rest are counted.</param>
    public static string ToMarkdown(PolicyReport report, int listed = int.MaxValue)
    {
        var text = new StringBuilder()
            .Append($"#### Policy check: {(report.Passed ? "✅ passed" : $"❌ {report.Counting.Count} violation{(report.Counting.Count == 1 ? "" : "s")}")}\n\n")
            .Append("| Rule | Resources checked | Result |\n|---|---:|---|\n");
        foreach (var rule in report.Rules)
        {
            var counting = rule.Violations.Count(v => v.Counts);
            var waived = rule.Violations.Count - counting;
            var result = counting > 0 ? $"❌ {counting} violation{(counting == 1 ? "" : "s")}" : rule.Evaluated == 0 ? "➖ nothing to check" : "✅ passed";
            text.Append($"| `{rule.Rule}` — {rule.Description} | {rule.Evaluated} | {result}{(waived > 0 ? $" ({waived} waived)" : "")} |\n");
        }
        void List(string title, IEnumerable<PolicyViolation> violations)
        {
            var items = violations.ToList();
            if (items.Count == 0) return;
            text.Append($"\n**{title}**\n\n");
            foreach (var v in items.Take(listed))
                text.Append($"- `{v.Rule}` {Code(v.Address)}: {v.Reason}{Note(v)}\n");
            if (items.Count > listed)
                text.Append($"- … and {items.Count - listed} more (the policy report in the CircleCI job's artifacts lists them all)\n");
        }
        List("Violations", report.Counting);
        List("Waived (policy-waivers.json)", report.AllViolations.Where(v => !v.Counts));
        if (report.UnusedWaivers.Count > 0)
            text.Append($"\n_Unused waivers (nothing they cover in this plan): {string.Join(", ", report.UnusedWaivers.Select(w => $"{w.Rule} {Code(w.Address)}"))}_\n");
        return text.ToString();
    }

    public static IEnumerable<string> ToLines(PolicyReport report)
    {
        foreach (var rule in report.Rules)
            yield return $"rule {rule.Rule}: {rule.Evaluated} checked, {(rule.Passed ? "passed" : $"{rule.Violations.Count(v => v.Counts)} violation(s)")}";
        foreach (var violation in report.AllViolations)
            yield return (violation.Counts ? "policy violation: " : "waived: ") + violation.Line;
        foreach (var waiver in report.UnusedWaivers)
            yield return $"unused waiver: {waiver.Rule} {waiver.Address} (nothing it covers in this plan; remove it)";
    }

    private static string Note(PolicyViolation v) => v.Waiver is null ? ""
        : v.WaiverExpired ? $" — waiver **expired** on {v.Waiver.Expires:yyyy-MM-dd}, counts again"
        : $" — waived until {v.Waiver.Expires:yyyy-MM-dd}: {v.Waiver.Reason}";

    private static string Code(string text) => $"`{text.Replace("`", "'")}`";
}
