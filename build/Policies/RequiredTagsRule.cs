using System.Text.Json;
using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// Every taggable AWS resource (its schema has <c>tags</c> or <c>tags_all</c>) carries Project, Environment and
/// ManagedBy with a value. <c>tags_all</c> includes the provider's default_tags, so it is read first; a tag whose
/// value is known only after apply is there.
/// </summary>
public sealed class RequiredTagsRule : IPolicyRule
{
    public static readonly string[] RequiredTags = ["Project", "Environment", "ManagedBy"];

    public string Id => "required-tags";
    public string Description => $"Taggable resources carry the tags {string.Join(", ", RequiredTags)}";

    public bool Watches(string resourceType) => resourceType.StartsWith("aws_", StringComparison.Ordinal);

    public bool AppliesTo(PlannedResource resource) =>
        Watches(resource.Type) && (resource.HasAttribute("tags_all") || resource.HasAttribute("tags"));

    public IEnumerable<string> Check(PlannedResource resource, PolicyContext context)
    {
        var tags = Tags(resource, "tags_all") ?? Tags(resource, "tags");
        if (tags is null)
        {
            yield return "its tags are known only after apply; set Project, Environment and ManagedBy in the configuration (default_tags)";
            yield break;
        }
        var missing = RequiredTags.Where(t => !tags.Contains(t)).ToList();
        if (missing.Count > 0)
            yield return $"missing tag{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} (has: {(tags.Count == 0 ? "none" : string.Join(", ", tags.Order(StringComparer.Ordinal)))})";
    }

    /// <summary>The tag keys with a value (or one known after apply); null when the whole map is unknown or absent.</summary>
    private static HashSet<string>? Tags(PlannedResource resource, string attribute)
    {
        if (resource.IsUnknown(attribute) || !resource.HasAttribute(attribute))
            return null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (resource.Attribute(attribute) is { ValueKind: JsonValueKind.Object } known)
            foreach (var tag in known.EnumerateObject())
                if (tag.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(tag.Value.GetString()))
                    keys.Add(tag.Name);
        if (resource.AfterUnknown is { ValueKind: JsonValueKind.Object } unknown && unknown.TryGetProperty(attribute, out var later) && later.ValueKind == JsonValueKind.Object)
            foreach (var tag in later.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.True))
                keys.Add(tag.Name);
        return keys;
    }
}
