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
        if (tags is not { } map)
        {
            yield return "its tags are known only after apply; set Project, Environment and ManagedBy in the configuration (default_tags)";
            yield break;
        }
        if (RequiredTags.All(map.Has))
            yield break; // the common case: no key list is built
        var missing = RequiredTags.Where(t => !map.Has(t)).ToList();
        var has = map.Keys().Order(StringComparer.Ordinal).ToList();
        yield return $"missing tag{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} (has: {(has.Count == 0 ? "none" : string.Join(", ", has))})";
    }

    /// <summary>The tags' known values and those known only after apply; null when the whole map is unknown or absent.</summary>
    private static TagMap? Tags(PlannedResource resource, string attribute) =>
        resource.IsUnknown(attribute) || !resource.HasAttribute(attribute) ? null
        : new TagMap(resource.Attribute(attribute),
            resource.AfterUnknown is { ValueKind: JsonValueKind.Object } unknown && unknown.TryGetProperty(attribute, out var later) ? later : null);

    private readonly record struct TagMap(JsonElement? Known, JsonElement? Later)
    {
        /// <summary>A tag with a value, or with one known after apply.</summary>
        public bool Has(string key) =>
            Known is { ValueKind: JsonValueKind.Object } known && known.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            || Later is { ValueKind: JsonValueKind.Object } later && later.TryGetProperty(key, out var unknown) && unknown.ValueKind == JsonValueKind.True;

        public IEnumerable<string> Keys()
        {
            var names = new List<string>();
            if (Known is { ValueKind: JsonValueKind.Object } known) names.AddRange(known.EnumerateObject().Select(t => t.Name));
            if (Later is { ValueKind: JsonValueKind.Object } later) names.AddRange(later.EnumerateObject().Select(t => t.Name));
            return names.Distinct(StringComparer.Ordinal).Where(Has);
        }
    }
}
