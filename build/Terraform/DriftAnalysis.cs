using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>A resource changed outside Terraform, and what changed (attribute names; never an attribute's value).</summary>
public sealed record DriftedResource(string Address, IReadOnlyList<string> Changes)
{
    public override string ToString() => $"{Address}: {string.Join("; ", Changes)}";
}

/// <summary>
/// Which entries of a plan's <c>resource_drift</c> are real changes made outside Terraform. Terraform lists a
/// resource there whenever its refreshed state differs from the state of the last apply by a single byte, so after
/// every apply it lists differences no one made:
/// <list type="bullet">
/// <item>an attribute that was absent (null) and is now empty (<c>{}</c>, <c>[]</c>), or the reverse: the provider
/// reads back an empty map or list where it wrote nothing (<c>tags</c> of a key pair or security group,
/// <c>root_block_device[0].tags</c> of an instance). Absent and empty mean the same; they are ignored.</item>
/// <item>a security group's computed <c>ingress</c>/<c>egress</c>, when its rules are resources of their own: the
/// group was saved before its rules existed and is read back with them. Ignored as a difference; instead the group's
/// refreshed rules are compared with the rule resources, so a rule added outside Terraform is found even after a later
/// apply has saved it into the state.</item>
/// </list>
/// Everything else that differs is drift, attribute by attribute.
/// </summary>
internal sealed class DriftAnalysis
{
    private readonly List<DriftEntry> _entries = [];
    private readonly List<string> _ignored = [];
    private readonly Dictionary<string, (string Address, SecurityGroupRule[] Rules)> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<SecurityGroupRule> _managedRules = [];
    private readonly HashSet<string> _groupsWithRuleResources = new(StringComparer.Ordinal);

    private sealed record DriftEntry(string Address, List<string> Changes, string? GroupId);

    /// <summary>A <c>resource_drift</c> entry: its state at the last apply and as refreshed now.</summary>
    public void AddDrift(string address, string? type, byte[]? before, byte[]? after)
    {
        using var beforeDocument = Parse(before);
        using var afterDocument = Parse(after);
        var old = beforeDocument?.RootElement;
        var now = afterDocument?.RootElement;
        if (old is not { ValueKind: JsonValueKind.Object } && now is not { ValueKind: JsonValueKind.Object })
        {
            _entries.Add(new DriftEntry(address, ["changed outside Terraform"], null));
            return;
        }
        if (now is not { ValueKind: JsonValueKind.Object })
        {
            _entries.Add(new DriftEntry(address, ["deleted outside Terraform"], null));
            return;
        }
        if (old is not { ValueKind: JsonValueKind.Object })
        {
            _entries.Add(new DriftEntry(address, ["created outside Terraform"], null));
            return;
        }
        var changes = new List<string>();
        var noise = new List<string>();
        var isGroup = type == SecurityGroupRule.GroupType;
        string? groupRules = null;
        foreach (var name in Names(old.Value, now.Value))
        {
            var was = Property(old.Value, name);
            var @is = Property(now.Value, name);
            if (Identical(was, @is))
                continue;
            if (isGroup && name is "ingress" or "egress")
                groupRules = name;
            else if (Same(was, @is))
                noise.Add(name);
            else
                changes.Add(name);
        }
        if (noise.Count > 0)
            _ignored.Add($"{address}: {string.Join(", ", noise)} (absent and empty are the same)");
        var groupId = groupRules is null ? null : Text(now.Value, "id");
        if (changes.Count > 0 || groupId is not null)
            _entries.Add(new DriftEntry(address, changes.Select(c => $"{c} changed").ToList(), groupId));
    }

    /// <summary>A security group or rule resource as refreshed by this plan (<c>resource_changes[].change.before</c>).</summary>
    public void AddRefreshed(string address, string type, byte[]? before)
    {
        using var document = Parse(before);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } state)
            return;
        if (type == SecurityGroupRule.GroupType)
        {
            if (Text(state, "id") is { } id)
                _groups[id] = (address, SecurityGroupRule.OfGroup(id, state).ToArray());
            return;
        }
        foreach (var rule in SecurityGroupRule.OfRule(type, state))
        {
            _managedRules.Add(rule);
            _groupsWithRuleResources.Add(rule.GroupId);
        }
    }

    public (IReadOnlyList<DriftedResource> Drifted, IReadOnlyList<string> Ignored) Finish()
    {
        var drifted = new List<DriftedResource>();
        var ignored = new List<string>(_ignored);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in _entries)
        {
            var changes = entry.Changes;
            if (entry.GroupId is { } id)
            {
                if (_groupsWithRuleResources.Contains(id))
                {
                    ignored.Add($"{entry.Address}: ingress/egress (the rules Terraform manages as resources of their own; compared one by one)");
                    changes = [.. changes, .. UnmanagedRules(id)];
                    reported.Add(id);
                }
                else
                    changes = [.. changes, "ingress/egress changed"];
            }
            if (changes.Count > 0)
                drifted.Add(new DriftedResource(entry.Address, changes));
        }
        // A rule added outside Terraform stays in the group's state after the next apply: no drift entry shows it then.
        foreach (var (id, group) in _groups)
        {
            if (reported.Contains(id) || !_groupsWithRuleResources.Contains(id))
                continue;
            var unmanaged = UnmanagedRules(id);
            if (unmanaged.Count == 0)
                continue;
            var existing = drifted.FindIndex(d => d.Address == group.Address);
            if (existing >= 0)
                drifted[existing] = drifted[existing] with { Changes = [.. drifted[existing].Changes, .. unmanaged] };
            else
                drifted.Add(new DriftedResource(group.Address, unmanaged));
        }
        return (drifted, ignored);
    }

    private List<string> UnmanagedRules(string groupId) =>
        _groups.TryGetValue(groupId, out var group)
            ? group.Rules.Where(r => !_managedRules.Contains(r)).Distinct().Select(r => $"{r} is not in the configuration").ToList()
            : [];

    private static JsonDocument? Parse(byte[]? utf8) => utf8 is null ? null : JsonDocument.Parse(utf8);

    private static IEnumerable<string> Names(JsonElement a, JsonElement b) =>
        a.EnumerateObject().Select(p => p.Name).Concat(b.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal);

    private static JsonElement? Property(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var property) ? property : null;

    private static string? Text(JsonElement value, string name) =>
        Property(value, name) is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

    private static bool Identical(JsonElement? a, JsonElement? b) =>
        a is null || b is null ? a is null && b is null : JsonElement.DeepEquals(a.Value, b.Value);

    /// <summary>Equal once absent, null, <c>{}</c> and <c>[]</c> are taken to mean the same, at any depth.</summary>
    private static bool Same(JsonElement? a, JsonElement? b)
    {
        if (IsEmpty(a) && IsEmpty(b))
            return true;
        if (a is not { } x || b is not { } y || x.ValueKind != y.ValueKind)
            return false;
        return x.ValueKind switch
        {
            JsonValueKind.Object => Names(x, y).All(name => Same(Property(x, name), Property(y, name))),
            JsonValueKind.Array => x.GetArrayLength() == y.GetArrayLength() && x.EnumerateArray().Zip(y.EnumerateArray()).All(p => Same(p.First, p.Second)),
            _ => JsonElement.DeepEquals(x, y),
        };
    }

    private static bool IsEmpty(JsonElement? value) => value switch
    {
        null => true,
        { ValueKind: JsonValueKind.Null } => true,
        { ValueKind: JsonValueKind.Object } o => !o.EnumerateObject().Any(),
        { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() == 0,
        _ => false,
    };
}
