using System.Text;
using BuildEngine;

namespace Pipeline.Terraform;

/// <summary>A plan summary as JSON (for machines), Markdown (for reviewers) or plain text (for logs).</summary>
public static class PlanSummaryFormats
{
    /// <summary>Writes the format the file's extension asks for: .json, .md or .txt.</summary>
    public static void Save(PlanSummary summary, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".json")
        {
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
                PlanSummaryJson.Write(summary, writer);
            });
            return;
        }
        var content = extension switch
        {
            ".md" or ".markdown" => ToMarkdown(summary),
            ".txt" or ".text" => ToText(summary),
            var other => throw new ArgumentException($"Summary file {path}: extension '{other}' is not one of .json, .md, .txt."),
        };
        AtomicFile.WriteAllText(path, content);
    }

    public static string ToJson(PlanSummary summary)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        PlanSummaryJson.Write(summary, writer);
        return writer.ToString();
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
