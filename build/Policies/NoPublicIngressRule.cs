using System.Text.Json;
using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// Nothing but HTTP and HTTPS open to the whole internet (0.0.0.0/0, ::/0, any /0): inline ingress blocks of
/// aws_security_group, ingress aws_security_group_rule, aws_vpc_security_group_ingress_rule. A CIDR known only after
/// apply is judged by the next plan, which shows the resource with its values.
/// </summary>
public sealed class NoPublicIngressRule : IPolicyRule
{
    private static readonly HashSet<string> Types = ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"];
    private static readonly int[] WebPorts = [80, 443];

    public string Id => "no-public-ingress";
    public string Description => "Only ports 80 and 443 may be open to 0.0.0.0/0 or ::/0";

    public bool Watches(string resourceType) => Types.Contains(resourceType);

    public IEnumerable<string> Check(PlannedResource resource, PolicyContext context)
    {
        switch (resource.Type)
        {
            case "aws_security_group":
                if (resource.Attribute("ingress") is { ValueKind: JsonValueKind.Array } blocks)
                    foreach (var block in blocks.EnumerateArray())
                        foreach (var problem in Judge(block, "protocol", Strings(block, "cidr_blocks").Concat(Strings(block, "ipv6_cidr_blocks"))))
                            yield return $"inline ingress {problem}";
                break;
            case "aws_security_group_rule":
                if (resource.Attribute("type")?.GetString() == "ingress" && resource.After is { } rule)
                    foreach (var problem in Judge(rule, "protocol", Strings(rule, "cidr_blocks").Concat(Strings(rule, "ipv6_cidr_blocks"))))
                        yield return problem;
                break;
            default:
                if (resource.After is { } ingress)
                    foreach (var problem in Judge(ingress, "ip_protocol", Strings(ingress, "cidr_ipv4").Concat(Strings(ingress, "cidr_ipv6"))))
                        yield return problem;
                break;
        }
    }

    private static IEnumerable<string> Judge(JsonElement rule, string protocolName, IEnumerable<string> cidrs)
    {
        var world = cidrs.Where(IsWholeInternet).Distinct().ToList();
        if (world.Count == 0)
            yield break;
        var protocol = Text(rule, protocolName) ?? "-1";
        var from = Port(rule, "from_port");
        var to = Port(rule, "to_port");
        var web = protocol is "tcp" or "6" or "udp" or "17" && from is { } f && f == to && WebPorts.Contains(f);
        if (!web)
            yield return $"opens {Describe(protocol, from, to)} to {string.Join(" and ", world)}; only ports 80 and 443 may be open to the internet";
    }

    private static bool IsWholeInternet(string cidr) => cidr.Split('/') is [_, "0"];

    private static string Describe(string protocol, int? from, int? to) => protocol switch
    {
        "-1" or "all" => "all traffic",
        _ when from is null => $"{protocol} (all ports)",
        _ when protocol is "tcp" or "6" or "udp" or "17" && from == 0 && to == 65535 => $"{protocol} (all ports)",
        _ when from == to => $"{protocol} port {from}",
        _ => $"{protocol} ports {from}-{to}",
    };

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? []
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!]
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
        : [];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.ToLowerInvariant() : null;

    private static int? Port(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var port) ? port : null;
}
