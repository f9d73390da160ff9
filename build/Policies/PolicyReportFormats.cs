using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Policies;

/// <summary>A policy report as JSON (policy.json, summary.json), a Markdown section (the PR comment) and log lines.</summary>
public static class PolicyReportFormats
{
    public static JsonObject ToJson(PolicyReport report)
    {
        static JsonObject Violation(PolicyViolation v) => new()
        {
            ["rule"] = v.Rule,
            ["address"] = v.Address,
            ["reason"] = v.Reason,
            ["counts"] = v.Counts,
            ["waiver"] = v.Waiver is null ? null : new JsonObject
            {
                ["reason"] = v.Waiver.Reason,
                ["expires"] = v.Waiver.Expires.ToString("yyyy-MM-dd"),
                ["expired"] = v.WaiverExpired,
            },
        };
        return new JsonObject
        {
            ["environment"] = report.Environment,
            ["passed"] = report.Passed,
            ["summary"] = report.OneLine,
            ["plan_sha256"] = report.PlanSha256,
            ["plan_has_changes"] = report.PlanHasChanges,
            ["evaluated"] = report.Evaluated,
            ["rules"] = new JsonArray([.. report.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["rule"] = r.Rule,
                ["description"] = r.Description,
                ["evaluated"] = r.Evaluated,
                ["passed"] = r.Passed,
                ["violations"] = new JsonArray([.. r.Violations.Select(v => (JsonNode)Violation(v))]),
            })]),
            ["plan_violations"] = new JsonArray([.. report.PlanViolations.Select(v => (JsonNode)Violation(v))]),
            ["unused_waivers"] = new JsonArray([.. report.UnusedWaivers.Select(w => (JsonNode)new JsonObject { ["rule"] = w.Rule, ["address"] = w.Address })]),
        };
    }

    public static string ToJsonText(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>The section of the plan comment: a line per rule, then what counts, what is waived, what expired.</summary>
    public static string ToMarkdown(PolicyReport report)
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
            foreach (var v in items)
                text.Append($"- `{v.Rule}` {Code(v.Address)}: {v.Reason}{Note(v)}\n");
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
