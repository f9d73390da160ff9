using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// One permission of a security group, in the shape both sides of a comparison can be brought to: a group's inline
/// <c>ingress</c>/<c>egress</c> entry (which the AWS provider fills from EC2 whoever made the rule) and a rule
/// managed as a resource of its own (<c>aws_vpc_security_group_ingress_rule</c>, <c>…_egress_rule</c>,
/// <c>aws_security_group_rule</c>). Descriptions are left out: a changed description shows on the rule resource.
/// </summary>
public sealed record SecurityGroupRule(string GroupId, string Direction, string Protocol, long FromPort, long ToPort, string Peer)
{
    public const string GroupType = "aws_security_group";

    public static readonly IReadOnlySet<string> RuleTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule",
    };

    public static bool IsTracked(string type) => type == GroupType || RuleTypes.Contains(type);

    /// <summary>As a reader says it: "ingress tcp 22 from 0.0.0.0/0", "egress all traffic to ::/0".</summary>
    public override string ToString()
    {
        var what = Protocol == "-1" ? "all traffic"
            : FromPort == ToPort ? $"{Protocol} {FromPort}"
            : $"{Protocol} {FromPort}-{ToPort}";
        return $"{Direction} {what} {(Direction == "ingress" ? "from" : "to")} {Peer}";
    }

    /// <summary>Every permission a group's refreshed <c>ingress</c> and <c>egress</c> hold, one per peer.</summary>
    public static IEnumerable<SecurityGroupRule> OfGroup(string groupId, JsonElement group)
    {
        foreach (var direction in new[] { "ingress", "egress" })
        {
            if (!group.TryGetProperty(direction, out var entries) || entries.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var entry in entries.EnumerateArray())
            {
                foreach (var peer in Peers(entry, groupId, Strings(entry, "security_groups")))
                    yield return Create(groupId, direction, entry, "protocol", peer);
            }
        }
    }

    /// <summary>
    /// The permissions a rule resource's refreshed state describes: one for the VPC rule resources, one per peer for
    /// a legacy <c>aws_security_group_rule</c> (it may list several CIDR blocks).
    /// </summary>
    public static IEnumerable<SecurityGroupRule> OfRule(string type, JsonElement rule)
    {
        if (Text(rule, "security_group_id") is not { } groupId)
            yield break;
        if (type == "aws_security_group_rule")
        {
            var direction = Text(rule, "type") ?? "ingress";
            var source = Text(rule, "source_security_group_id") is { } group ? [group] : Array.Empty<string>();
            foreach (var peer in Peers(rule, groupId, source))
                yield return Create(groupId, direction, rule, "protocol", peer);
            yield break;
        }
        var vpcPeer = Text(rule, "cidr_ipv4") ?? Text(rule, "cidr_ipv6") ?? Text(rule, "prefix_list_id")
            ?? (Text(rule, "referenced_security_group_id") is { } referenced ? GroupIdOf(referenced) : null);
        if (vpcPeer is not null)
            yield return Create(groupId, type.EndsWith("_egress_rule", StringComparison.Ordinal) ? "egress" : "ingress", rule, "ip_protocol", vpcPeer);
    }

    /// <summary>The peers an inline entry or a legacy rule names: CIDR blocks, prefix lists, other groups, itself.</summary>
    private static IEnumerable<string> Peers(JsonElement value, string groupId, IEnumerable<string> groups)
    {
        var peers = Strings(value, "cidr_blocks").Concat(Strings(value, "ipv6_cidr_blocks")).Concat(Strings(value, "prefix_list_ids")).Concat(groups.Select(GroupIdOf));
        return value.TryGetProperty("self", out var self) && self.ValueKind == JsonValueKind.True ? peers.Append(groupId) : peers;
    }

    private static SecurityGroupRule Create(string groupId, string direction, JsonElement value, string protocolName, string peer)
    {
        var protocol = NormalProtocol(Text(value, protocolName));
        // EC2 reports ports 0-0 for "all traffic" and a rule resource reports none: the ports mean nothing there.
        var (from, to) = protocol == "-1" ? (-1L, -1L) : (Port(value, "from_port"), Port(value, "to_port"));
        return new SecurityGroupRule(groupId, direction, protocol, from, to, peer.ToLowerInvariant());
    }

    private static string NormalProtocol(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "all" or "-1" => "-1",
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        "58" => "icmpv6",
        var other => other,
    };

    private static long Port(JsonElement value, string name) =>
        value.TryGetProperty(name, out var port) && port.ValueKind == JsonValueKind.Number && port.TryGetInt64(out var number) ? number : -1;

    /// <summary>Another account's group is written "123456789012/sg-…"; only the id identifies it.</summary>
    private static string GroupIdOf(string reference) => reference[(reference.LastIndexOf('/') + 1)..];

    private static string? Text(JsonElement value, string name) =>
        value.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } s ? s : null;

    private static IEnumerable<string> Strings(JsonElement value, string name) =>
        value.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0)
            : [];
}
