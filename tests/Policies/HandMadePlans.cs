using System.Text.Json.Nodes;

namespace Tests.Policies;

/// <summary>One resource change of a hand-made plan: just what `terraform show -json` would write for it.</summary>
public sealed record Change(string Address, string Actions, JsonObject? After, JsonObject? AfterUnknown = null, JsonObject? AfterSensitive = null)
{
    public string Type => Address.Split('.')[^2].Split('[')[0];
}

/// <summary>Minimal plans in Terraform's JSON format (1.2), for the cases the recorded fixtures do not have.</summary>
public static class HandMadePlans
{
    public static readonly JsonObject CompliantTags = new() { ["Project"] = "gitops-demo", ["Environment"] = "dev", ["ManagedBy"] = "terraform" };

    public static string Json(params Change[] changes) => new JsonObject
    {
        ["format_version"] = "1.2",
        ["terraform_version"] = "1.11.4",
        ["planned_values"] = new JsonObject(),
        ["resource_changes"] = new JsonArray([.. changes.Select(c => (JsonNode)new JsonObject
        {
            ["address"] = c.Address,
            ["mode"] = "managed",
            ["type"] = c.Type,
            ["name"] = c.Address.Split('.')[^1].Split('[')[0],
            ["provider_name"] = "registry.terraform.io/hashicorp/aws",
            ["change"] = new JsonObject
            {
                ["actions"] = new JsonArray([.. c.Actions.Split(',').Select(a => (JsonNode)a)]),
                ["before"] = null,
                ["after"] = c.After?.DeepClone(),
                ["after_unknown"] = (c.AfterUnknown ?? new JsonObject()).DeepClone(),
                ["after_sensitive"] = (c.AfterSensitive ?? new JsonObject()).DeepClone(),
            },
        })]),
    }.ToJsonString();

    public static string Write(string directory, params Change[] changes)
    {
        var path = Path.Combine(directory, $"plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Json(changes));
        return path;
    }

    public static JsonObject Tagged(JsonObject attributes)
    {
        attributes["tags"] = null;
        attributes["tags_all"] = CompliantTags.DeepClone();
        return attributes;
    }

    public static Change Ingress(string name, string cidr, int? from, int? to, string protocol = "tcp", string actions = "create") =>
        new($"aws_vpc_security_group_ingress_rule.{name}", actions, Tagged(new JsonObject
        {
            ["cidr_ipv4"] = cidr.Contains(':') ? null : cidr, ["cidr_ipv6"] = cidr.Contains(':') ? cidr : null,
            ["from_port"] = from, ["to_port"] = to, ["ip_protocol"] = protocol,
        }));

    public static Change Instance(string name, string type = "t3.micro", bool? rootEncrypted = true, string actions = "create", JsonObject? tags = null)
    {
        var after = new JsonObject
        {
            ["instance_type"] = type,
            ["root_block_device"] = rootEncrypted is null ? new JsonArray() : new JsonArray(new JsonObject { ["encrypted"] = rootEncrypted, ["volume_type"] = "gp3" }),
            ["ebs_block_device"] = new JsonArray(),
            ["tags"] = null,
            ["tags_all"] = (tags ?? CompliantTags).DeepClone(),
        };
        var unknown = rootEncrypted is null ? new JsonObject { ["root_block_device"] = true } : new JsonObject();
        return new Change($"aws_instance.{name}", actions, after, unknown);
    }
}
