using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BuildEngine;

namespace Pipeline.Terraform;

/// <summary>A plan summary as JSON (for machines), Markdown (for reviewers) or plain text (for logs).</summary>
public static class PlanSummaryFormats
{
    /// <summary>Writes the format the file's extension asks for: .json, .md or .txt.</summary>
    public static void Save(PlanSummary summary, string path)
    {
        var content = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => ToJson(summary),
            ".md" or ".markdown" => ToMarkdown(summary),
            ".txt" or ".text" => ToText(summary),
            var other => throw new ArgumentException($"Summary file {path}: extension '{other}' is not one of .json, .md, .txt."),
        };
        AtomicFile.WriteAllText(path, content);
    }

    public static string ToJson(PlanSummary summary)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("format_version", summary.FormatVersion);
            writer.WriteString("terraform_version", summary.TerraformVersion);
            writer.WriteBoolean("has_changes", summary.HasChanges);
            writer.WriteBoolean("destroys", summary.Destroys);
            foreach (var action in Enum.GetValues<PlanAction>())
                writer.WriteNumber(JsonName(action), summary.Count(action));
            writer.WriteStartObject("addresses");
            foreach (var action in Enum.GetValues<PlanAction>())
            {
                writer.WriteStartArray(JsonName(action));
                foreach (var address in summary[action]) writer.WriteStringValue(address);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteStartObject("outputs");
            foreach (var output in summary.Outputs) writer.WriteString(output.Name, output.Action);
            writer.WriteEndObject();
            writer.WriteStartArray("drift");
            foreach (var address in summary.Drift) writer.WriteStringValue(address);
            writer.WriteEndArray();
            writer.WriteStartObject("drift_changes");
            foreach (var drifted in summary.DriftDetails)
            {
                writer.WriteStartArray(drifted.Address);
                foreach (var change in drifted.Changes) writer.WriteStringValue(change);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string ToMarkdown(PlanSummary summary)
    {
        var text = new StringBuilder();
        if (summary.Destroys)
        {
            text.Append("> [!WARNING]\n> **This plan destroys resources:** ")
                .Append(string.Join(", ", summary[PlanAction.Delete].Concat(summary[PlanAction.Replace]).Take(10).Select(a => $"`{a}`")))
                .Append(summary.Count(PlanAction.Delete) + summary.Count(PlanAction.Replace) > 10 ? ", …" : "")
                .Append("\n\n");
        }
        text.Append("| create | update | delete | replace | read | no-op |\n|---:|---:|---:|---:|---:|---:|\n");
        text.Append($"| {summary.Count(PlanAction.Create)} | {summary.Count(PlanAction.Update)} | {summary.Count(PlanAction.Delete)} | {summary.Count(PlanAction.Replace)} | {summary.Count(PlanAction.Read)} | {summary.Count(PlanAction.NoOp)} |\n\n");
        foreach (var action in PlanSummary.ReadingOrder.Where(a => a != PlanAction.NoOp && summary.Count(a) > 0))
        {
            text.Append($"**{Heading(action)}** ({summary.Count(action)})\n");
            foreach (var address in summary[action]) text.Append($"- `{address}`\n");
            text.Append('\n');
        }
        if (summary.Outputs.Count > 0)
        {
            text.Append("**Output changes**\n");
            foreach (var output in summary.Outputs) text.Append($"- `{output.Name}`: {output.Action}\n");
            text.Append('\n');
        }
        if (summary.Drift.Count > 0)
        {
            text.Append($"**Changed outside Terraform (drift)** ({summary.Drift.Count})\n");
            foreach (var drifted in summary.DriftDetails) text.Append($"- `{drifted.Address}`: {string.Join("; ", drifted.Changes)}\n");
            text.Append('\n');
        }
        text.Append(summary.HasChanges ? $"Plan: {summary.OneLine}.\n" : "No changes. Infrastructure matches the configuration.\n");
        return text.ToString();
    }

    public static string ToText(PlanSummary summary)
    {
        var text = new StringBuilder();
        text.Append($"Plan (format {summary.FormatVersion}, Terraform {summary.TerraformVersion ?? "unknown"}): {summary.OneLine}\n");
        text.Append($"  create {summary.Count(PlanAction.Create)}, update {summary.Count(PlanAction.Update)}, delete {summary.Count(PlanAction.Delete)}, replace {summary.Count(PlanAction.Replace)}, read {summary.Count(PlanAction.Read)}, no-op {summary.Count(PlanAction.NoOp)}\n");
        foreach (var action in PlanSummary.ReadingOrder.Where(a => a != PlanAction.NoOp && summary.Count(a) > 0))
        {
            var marker = action is PlanAction.Delete or PlanAction.Replace ? "!! " : "";
            text.Append($"{marker}{Heading(action)} ({summary.Count(action)}):\n");
            foreach (var address in summary[action]) text.Append($"    {address}\n");
        }
        foreach (var output in summary.Outputs) text.Append($"  output {output.Name}: {output.Action}\n");
        if (summary.Drift.Count > 0)
        {
            text.Append($"Drift ({summary.Drift.Count}), changed outside Terraform:\n");
            foreach (var drifted in summary.DriftDetails) text.Append($"    {drifted}\n");
        }
        return text.ToString();
    }

    private static string JsonName(PlanAction action) => action == PlanAction.NoOp ? "no_op" : PlanSummary.Label(action);

    private static string Heading(PlanAction action) => action switch
    {
        PlanAction.Delete => "Delete",
        PlanAction.Replace => "Replace (destroy and re-create)",
        PlanAction.Forget => "Forget (remove from state, keep the object)",
        PlanAction.Create => "Create",
        PlanAction.Update => "Update in place",
        PlanAction.Read => "Read (data sources)",
        _ => "No change",
    };
}
