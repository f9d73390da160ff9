using System.Text.Json;
using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// EBS volumes are encrypted, said in the configuration: aws_ebs_volume, an instance's root and EBS block devices,
/// a launch template's EBS mappings. Encryption left to the account's default is known only after apply, and fails.
/// </summary>
public sealed class EncryptedVolumesRule : IPolicyRule
{
    private static readonly HashSet<string> Types = ["aws_ebs_volume", "aws_instance", "aws_launch_template"];

    public string Id => "encrypted-volumes";
    public string Description => "EBS volumes, root volumes included, are encrypted";

    public bool Watches(string resourceType) => Types.Contains(resourceType);

    /// <summary>A real plan lists every attribute of the schema (known, null or unknown); one it omits is not judged.</summary>
    public bool AppliesTo(PlannedResource resource) => resource.Type switch
    {
        "aws_ebs_volume" => resource.HasAttribute("encrypted"),
        "aws_instance" => resource.HasAttribute("root_block_device") || resource.HasAttribute("ebs_block_device"),
        "aws_launch_template" => resource.HasAttribute("block_device_mappings"),
        _ => false,
    };

    public IEnumerable<string> Check(PlannedResource resource, PolicyContext context)
    {
        switch (resource.Type)
        {
            case "aws_ebs_volume":
                if (!IsTrue(resource.Attribute("encrypted")))
                    yield return resource.IsUnknown("encrypted") ? "encryption is not set (known only after apply); set encrypted = true" : "the volume is not encrypted; set encrypted = true";
                break;
            case "aws_instance":
                if (RootVolumeProblem(resource) is { } problem)
                    yield return problem;
                var devices = Blocks(resource.Attribute("ebs_block_device"));
                for (var i = 0; i < devices.Count; i++)
                {
                    if (!IsTrue(Property(devices[i], "encrypted")))
                        yield return $"EBS block device {Property(devices[i], "device_name")?.GetString() ?? "?"} {(UnknownUntilApply(resource, "ebs_block_device", i) ? "encryption is not set (known only after apply)" : "is not encrypted")}; set encrypted = true";
                }
                break;
            default:
                foreach (var mapping in Blocks(resource.Attribute("block_device_mappings")))
                    foreach (var ebs in Blocks(Property(mapping, "ebs")).Where(e => !IsTrue(Property(e, "encrypted"))))
                        yield return $"EBS mapping {Property(mapping, "device_name")?.GetString() ?? "?"} is not encrypted; set ebs {{ encrypted = true }}";
                break;
        }
    }

    private static string? RootVolumeProblem(PlannedResource instance)
    {
        if (!instance.HasAttribute("root_block_device"))
            return null;
        var roots = Blocks(instance.Attribute("root_block_device"));
        if (roots.Count == 0)
            return "root volume encryption is not set (left to the account default); set root_block_device { encrypted = true }";
        var index = roots.FindIndex(r => !IsTrue(Property(r, "encrypted")));
        if (index < 0) return null;
        return UnknownUntilApply(instance, "root_block_device", index)
            ? "root volume encryption is not set (known only after apply); set root_block_device { encrypted = true }"
            : "the root volume is not encrypted; set root_block_device { encrypted = true }";
    }

    /// <summary>
    /// Unset encryption is known only after apply (<c>after_unknown.&lt;block&gt;[i].encrypted</c>): the account's
    /// default decides it then. Said so, rather than "not encrypted", which the plan does not know.
    /// </summary>
    private static bool UnknownUntilApply(PlannedResource resource, string block, int index) =>
        resource.AfterUnknown is { ValueKind: JsonValueKind.Object } unknown
        && unknown.TryGetProperty(block, out var blocks) && blocks.ValueKind == JsonValueKind.Array && blocks.GetArrayLength() > index
        && blocks[index] is { ValueKind: JsonValueKind.Object } entry && entry.TryGetProperty("encrypted", out var flag) && flag.ValueKind == JsonValueKind.True;

    private static List<JsonElement> Blocks(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)] : [];

    private static JsonElement? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>true, or "true" (launch templates declare encrypted as a string).</summary>
    private static bool IsTrue(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.True } || value is { ValueKind: JsonValueKind.String } s && s.GetString() == "true";
}
