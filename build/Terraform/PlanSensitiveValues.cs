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
    private const string Item = JsonElementStream.Item;

    public static IReadOnlySet<string> Collect(string planJson)
    {
        using var file = new FileStream(planJson, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var utf8 = PlanReader.Utf8View(file);
        return Collect(utf8);
    }

    /// <summary>
    /// One pass over the plan, streaming: each resource change, output and planned resource is read as a small
    /// document of its own, so memory stays that of the largest entry however large the plan.
    /// </summary>
    public static IReadOnlySet<string> Collect(Stream utf8, int bufferSize = 1 << 20)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        JsonElement? given = null, declared = null;
        JsonElementStream.Read(utf8, Wanted, (path, value) =>
        {
            switch (path[0])
            {
                case "variables": given = value.Clone(); break;
                case "configuration": declared = value.Clone(); break;
                case "resource_changes" or "resource_drift":
                    if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("change", out var change)) CollectChange(change, found);
                    break;
                case "output_changes": CollectChange(value, found); break;
                default:
                    if (path[^1] == Item) CollectResource(value, found);
                    else if (IsTrue(value, "sensitive") && value.TryGetProperty("value", out var output)) AddAll(output, found);
                    break;
            }
        }, bufferSize);
        if (given is { } values && declared is { } declarations)
            CollectVariables(values, declarations, found);
        return found;
    }

    /// <summary>The values handed over whole: none of them grows with the plan, only with one entry.</summary>
    private static bool Wanted(IReadOnlyList<string> path) => path switch
    {
        ["variables"] or ["configuration", "root_module", "variables"] => true,
        ["resource_changes" or "resource_drift", Item] => true,
        ["output_changes", _] => true,
        ["planned_values", ..] => InValues(path, 1),
        ["prior_state", "values", ..] => InValues(path, 2),
        _ => false,
    };

    /// <summary>In a <c>values</c> block: an output, or a resource of the root module or of a child module at any depth.</summary>
    private static bool InValues(IReadOnlyList<string> path, int from)
    {
        var count = path.Count - from;
        if (count == 2) return path[from] == "outputs";
        if (count < 3 || count % 2 == 0 || path[from] != "root_module" || path[^2] != "resources" || path[^1] != Item) return false;
        for (var i = from + 1; i < path.Count - 2; i += 2)
        {
            if (path[i] != "child_modules" || path[i + 1] != Item) return false;
        }
        return true;
    }

    private static void CollectVariables(JsonElement values, JsonElement declarations, HashSet<string> found)
    {
        if (declarations.ValueKind != JsonValueKind.Object) return;
        foreach (var variable in declarations.EnumerateObject())
        {
            if (!IsTrue(variable.Value, "sensitive")) continue;
            if (variable.Value.TryGetProperty("default", out var fallback)) AddAll(fallback, found);
            if (values.ValueKind == JsonValueKind.Object && values.TryGetProperty(variable.Name, out var value) && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("value", out var inner))
                AddAll(inner, found);
        }
    }

    private static void CollectResource(JsonElement resource, HashSet<string> found)
    {
        if (resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("values", out var value) && resource.TryGetProperty("sensitive_values", out var mask))
            AddMasked(value, mask, found);
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

    private static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var flag) && flag.ValueKind == JsonValueKind.True;
}
