using System.Globalization;

namespace Pipeline.Terraform;

/// <summary>
/// The summary as indented JSON, written straight to a text writer: a plan of 100,000 addresses is written in a few
/// milliseconds and never held as one string. (Utf8JsonWriter took 150 ms for the same at a process's first call,
/// most of a SummarizePlan run; the format is the one it writes.)
/// </summary>
internal static class PlanSummaryJson
{
    public static void Write(PlanSummary summary, TextWriter writer)
    {
        writer.Write("{\n");
        Property(writer, 1, "format_version"); Text(writer, summary.FormatVersion); writer.Write(",\n");
        Property(writer, 1, "terraform_version"); Text(writer, summary.TerraformVersion); writer.Write(",\n");
        Property(writer, 1, "has_changes"); writer.Write(summary.HasChanges ? "true" : "false"); writer.Write(",\n");
        Property(writer, 1, "destroys"); writer.Write(summary.Destroys ? "true" : "false"); writer.Write(",\n");
        foreach (var action in PlanSummary.Actions)
        {
            Property(writer, 1, Name(action));
            writer.Write(summary.Count(action).ToString(CultureInfo.InvariantCulture));
            writer.Write(",\n");
        }
        Property(writer, 1, "addresses");
        var actions = PlanSummary.Actions;
        Object(writer, 1, actions.Length, i => Name(actions[i]), (w, depth, i) => Array(w, depth, summary[actions[i]]));
        writer.Write(",\n");
        Property(writer, 1, "outputs");
        Object(writer, 1, summary.Outputs.Count, i => summary.Outputs[i].Name, (w, _, i) => Text(w, summary.Outputs[i].Action));
        writer.Write(",\n");
        Property(writer, 1, "drift");
        Array(writer, 1, summary.Drift);
        writer.Write(",\n");
        Property(writer, 1, "drift_changes");
        Object(writer, 1, summary.DriftDetails.Count, i => summary.DriftDetails[i].Address, (w, depth, i) => Array(w, depth, summary.DriftDetails[i].Changes));
        writer.Write("\n}\n");
    }

    private static string Name(PlanAction action) => action == PlanAction.NoOp ? "no_op" : PlanSummary.Label(action);

    private static void Indent(TextWriter writer, int depth) => writer.Write(new string(' ', 2 * depth));

    private static void Property(TextWriter writer, int depth, string name)
    {
        Indent(writer, depth);
        Text(writer, name);
        writer.Write(": ");
    }

    /// <summary>An object of <paramref name="count"/> properties, by index: no tuples (their generic code is compiled at every run).</summary>
    private static void Object(TextWriter writer, int depth, int count, Func<int, string> name, Action<TextWriter, int, int> value)
    {
        if (count == 0) { writer.Write("{}"); return; }
        for (var i = 0; i < count; i++)
        {
            writer.Write(i == 0 ? "{\n" : ",\n");
            Property(writer, depth + 1, name(i));
            value(writer, depth + 1, i);
        }
        writer.Write('\n');
        Indent(writer, depth);
        writer.Write('}');
    }

    private static void Array(TextWriter writer, int depth, IReadOnlyList<string> items)
    {
        if (items.Count == 0) { writer.Write("[]"); return; }
        writer.Write("[\n");
        var indent = new string(' ', 2 * (depth + 1));
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) writer.Write(",\n");
            writer.Write(indent);
            Text(writer, items[i]);
        }
        writer.Write('\n');
        Indent(writer, depth);
        writer.Write(']');
    }

    /// <summary>A JSON string (or null): quotes, backslashes and control characters escaped, the rest as it is.</summary>
    private static void Text(TextWriter writer, string? value)
    {
        if (value is null) { writer.Write("null"); return; }
        writer.Write('"');
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '\\') && c >= ' ') continue;
            writer.Write(value.AsSpan(start, i - start));
            writer.Write(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => $"\\u{(int)c:X4}",
            });
            start = i + 1;
        }
        writer.Write(value.AsSpan(start));
        writer.Write('"');
    }
}
