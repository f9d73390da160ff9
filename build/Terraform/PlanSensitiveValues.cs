using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// Every value a plan marks as sensitive: root variables declared <c>sensitive</c>, attribute paths in
/// <c>before_sensitive</c>/<c>after_sensitive</c>/<c>sensitive_values</c>, sensitive outputs. Terraform itself still
/// prints some of them in clear in the plan text (hashicorp/terraform#35609), so they are masked before any plan
/// text is echoed, written or posted.
/// </summary>
public static class PlanSensitiveValues
{
    public static IReadOnlySet<string> Collect(string planJson)
    {
        using var stream = File.OpenRead(planJson);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        var found = new HashSet<string>(StringComparer.Ordinal);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return found;

        CollectVariables(root, found);
        foreach (var list in new[] { "resource_changes", "resource_drift" })
        {
            foreach (var entry in Array(root, list))
            {
                if (entry.TryGetProperty("change", out var change))
                    CollectChange(change, found);
            }
        }
        if (root.TryGetProperty("output_changes", out var outputChanges) && outputChanges.ValueKind == JsonValueKind.Object)
        {
            foreach (var output in outputChanges.EnumerateObject())
                CollectChange(output.Value, found);
        }
        if (root.TryGetProperty("planned_values", out var planned))
            CollectValues(planned, found);
        if (root.TryGetProperty("prior_state", out var prior) && prior.TryGetProperty("values", out var priorValues))
            CollectValues(priorValues, found);
        return found;
    }

    private static void CollectVariables(JsonElement root, HashSet<string> found)
    {
        if (!root.TryGetProperty("configuration", out var configuration) ||
            !configuration.TryGetProperty("root_module", out var module) ||
            !module.TryGetProperty("variables", out var declared) || declared.ValueKind != JsonValueKind.Object)
            return;
        root.TryGetProperty("variables", out var values);
        foreach (var variable in declared.EnumerateObject())
        {
            if (!IsTrue(variable.Value, "sensitive")) continue;
            if (variable.Value.TryGetProperty("default", out var fallback)) AddAll(fallback, found);
            if (values.ValueKind == JsonValueKind.Object && values.TryGetProperty(variable.Name, out var given) && given.TryGetProperty("value", out var value))
                AddAll(value, found);
        }
    }

    private static void CollectChange(JsonElement change, HashSet<string> found)
    {
        if (change.ValueKind != JsonValueKind.Object) return;
        foreach (var (valueName, maskName) in new[] { ("before", "before_sensitive"), ("after", "after_sensitive") })
        {
            if (change.TryGetProperty(valueName, out var value) && change.TryGetProperty(maskName, out var mask))
                AddMasked(value, mask, found);
        }
    }

    /// <summary>A <c>values</c> block: outputs with <c>sensitive</c>, resources with <c>sensitive_values</c>, child modules.</summary>
    private static void CollectValues(JsonElement values, HashSet<string> found)
    {
        if (values.ValueKind != JsonValueKind.Object) return;
        if (values.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Object)
        {
            foreach (var output in outputs.EnumerateObject())
            {
                if (IsTrue(output.Value, "sensitive") && output.Value.TryGetProperty("value", out var value))
                    AddAll(value, found);
            }
        }
        if (values.TryGetProperty("root_module", out var module))
            CollectModule(module, found);
    }

    private static void CollectModule(JsonElement module, HashSet<string> found)
    {
        foreach (var resource in Array(module, "resources"))
        {
            if (resource.TryGetProperty("values", out var value) && resource.TryGetProperty("sensitive_values", out var mask))
                AddMasked(value, mask, found);
        }
        foreach (var child in Array(module, "child_modules"))
            CollectModule(child, found);
    }

    /// <summary>Walks a value alongside its sensitivity mask: <c>true</c> marks the whole subtree.</summary>
    private static void AddMasked(JsonElement value, JsonElement mask, HashSet<string> found)
    {
        switch (mask.ValueKind)
        {
            case JsonValueKind.True:
                AddAll(value, found);
                break;
            case JsonValueKind.Object when value.ValueKind == JsonValueKind.Object:
                foreach (var property in mask.EnumerateObject())
                {
                    if (value.TryGetProperty(property.Name, out var inner))
                        AddMasked(inner, property.Value, found);
                }
                break;
            case JsonValueKind.Array when value.ValueKind == JsonValueKind.Array:
                var values = value.EnumerateArray().ToList();
                var index = 0;
                foreach (var item in mask.EnumerateArray())
                {
                    if (index < values.Count) AddMasked(values[index], item, found);
                    index++;
                }
                break;
        }
    }

    private static void AddAll(JsonElement value, HashSet<string> found)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                found.Add(value.GetString()!);
                break;
            case JsonValueKind.Number:
                found.Add(value.GetRawText());
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject()) AddAll(property.Value, found);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray()) AddAll(item, found);
                break;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
            : [];

    private static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var flag) && flag.ValueKind == JsonValueKind.True;
}
