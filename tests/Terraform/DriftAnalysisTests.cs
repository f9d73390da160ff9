using System.Text;
using Pipeline.Terraform;

namespace Tests.Terraform;

/// <summary>
/// Drift as the plan reader tells it, from <c>resource_drift</c> and the refreshed security groups and rules. The
/// three moto-*.plan.json fixtures are `terraform show -json` of infra/ with the real AWS provider on moto: right after
/// an apply; after a rule (0.0.0.0/0 port 22) and a tag were added with boto3; after a later apply saved that rule
/// into the state (resource_drift is then empty).
/// </summary>
public sealed class DriftAnalysisTests
{
    private static string Fixture(string name) => Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Terraform", "Fixtures", name);

    private static PlanSummary Read(string file, int bufferSize)
    {
        using var stream = File.OpenRead(Fixture(file));
        return PlanReader.Read(stream, file, bufferSize);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(61)]
    public void Right_after_an_apply_what_the_provider_reads_back_is_not_drift(int bufferSize)
    {
        var summary = Read("moto-right-after-apply.plan.json", bufferSize);

        Assert.Empty(summary.Drift);
        Assert.Equal([
            "aws_instance.web: root_block_device (absent and empty are the same)",
            "aws_key_pair.deploy: tags (absent and empty are the same)",
            "aws_security_group.web: tags (absent and empty are the same)",
            "aws_security_group.web: ingress/egress (the rules Terraform manages as resources of their own; compared one by one)",
        ], summary.DriftIgnored);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(61)]
    public void A_rule_and_a_tag_added_outside_Terraform_are_drift_by_name(int bufferSize)
    {
        var summary = Read("moto-rule-and-tag-added-outside.plan.json", bufferSize);

        Assert.Equal(["aws_instance.web", "aws_security_group.web"], summary.Drift);
        Assert.Equal([
            "aws_instance.web: tags changed; tags_all changed",
            "aws_security_group.web: ingress tcp 22 from 0.0.0.0/0 is not in the configuration",
        ], summary.DriftDetails.Select(d => d.ToString()));
        Assert.Contains("- `aws_security_group.web`: ingress tcp 22 from 0.0.0.0/0 is not in the configuration", PlanSummaryFormats.ToMarkdown(summary));
    }

    [Fact]
    public void A_rule_added_outside_Terraform_stays_drift_after_an_apply_saved_it_into_the_state()
    {
        var summary = Read("moto-outside-rule-saved-by-apply.plan.json", 1 << 20);

        Assert.Equal(["aws_security_group.web: ingress tcp 22 from 0.0.0.0/0 is not in the configuration"], summary.DriftDetails.Select(d => d.ToString()));
        Assert.False(summary.HasChanges);
    }

    [Fact]
    public void Drift_names_attributes_and_never_shows_their_values()
    {
        var summary = Plan(drift: Entry("aws_db_instance.main", "aws_db_instance",
            """{"password":"old-secret-1","tags":null,"port":5432}""", """{"password":"new-secret-2","tags":{},"port":5432}"""));

        Assert.Equal(["aws_db_instance.main: password changed"], summary.DriftDetails.Select(d => d.ToString()));
        var everything = PlanSummaryFormats.ToJson(summary) + PlanSummaryFormats.ToMarkdown(summary) + PlanSummaryFormats.ToText(summary);
        Assert.DoesNotContain("secret", everything);
    }

    [Fact]
    public void Empty_and_absent_are_the_same_at_any_depth_but_a_value_is_not()
    {
        var summary = Plan(drift:
        [
            .. Entry("aws_instance.a", "aws_instance", """{"root_block_device":[{"tags":null,"size":8}]}""", """{"root_block_device":[{"tags":{},"size":8}]}"""),
            .. Entry("aws_instance.b", "aws_instance", """{"root_block_device":[{"tags":null}]}""", """{"root_block_device":[{"tags":{"Owner":"x"}}]}"""),
            .. Entry("aws_instance.c", "aws_instance", """{"tags":{"Name":"c"}}""", """{"tags":{"Name":"c"}}"""),
            .. Entry("aws_instance.d", "aws_instance", """{"tags":{"Name":"d"}}""", "null"),
        ]);

        Assert.Equal(["aws_instance.b: root_block_device changed", "aws_instance.d: deleted outside Terraform"], summary.DriftDetails.Select(d => d.ToString()));
        Assert.Equal(["aws_instance.a: root_block_device (absent and empty are the same)"], summary.DriftIgnored);
    }

    [Fact]
    public void Without_rule_resources_a_groups_inline_rules_are_compared_as_they_are()
    {
        const string before = """{"id":"sg-1","ingress":[]}""";
        const string after = """{"id":"sg-1","ingress":[{"cidr_blocks":["0.0.0.0/0"],"from_port":22,"to_port":22,"protocol":"tcp","self":false}]}""";

        var summary = Plan(drift: Entry("aws_security_group.inline", "aws_security_group", before, after),
            changes: Change("aws_security_group.inline", "aws_security_group", after));

        Assert.Equal(["aws_security_group.inline: ingress/egress changed"], summary.DriftDetails.Select(d => d.ToString()));
    }

    [Fact]
    public void Rules_match_whatever_resource_and_notation_made_them()
    {
        // The group as EC2 reports it: numbers for protocols, several peers in one entry, itself as a peer.
        const string group = """
            {"id":"sg-1","ingress":[
              {"cidr_blocks":["10.0.0.0/8","192.0.2.0/24"],"ipv6_cidr_blocks":["2001:DB8::/32"],"from_port":443,"to_port":443,"protocol":"6","self":true,"security_groups":["123456789012/sg-9"]},
              {"cidr_blocks":[],"from_port":0,"to_port":0,"protocol":"-1","self":false,"security_groups":[],"prefix_list_ids":["pl-1"]}],
             "egress":[{"cidr_blocks":["0.0.0.0/0"],"from_port":0,"to_port":0,"protocol":"-1","self":false}]}
            """;
        var summary = Plan(changes:
        [
            .. Change("aws_security_group.g", "aws_security_group", group),
            .. Change("aws_security_group_rule.legacy", "aws_security_group_rule",
                """{"security_group_id":"sg-1","type":"ingress","protocol":"tcp","from_port":443,"to_port":443,"cidr_blocks":["10.0.0.0/8","192.0.2.0/24"],"ipv6_cidr_blocks":["2001:db8::/32"]}"""),
            .. Change("aws_vpc_security_group_ingress_rule.self", "aws_vpc_security_group_ingress_rule",
                """{"security_group_id":"sg-1","ip_protocol":"tcp","from_port":443,"to_port":443,"referenced_security_group_id":"sg-1"}"""),
            .. Change("aws_vpc_security_group_ingress_rule.peer", "aws_vpc_security_group_ingress_rule",
                """{"security_group_id":"sg-1","ip_protocol":"tcp","from_port":443,"to_port":443,"referenced_security_group_id":"sg-9"}"""),
            .. Change("aws_vpc_security_group_egress_rule.all", "aws_vpc_security_group_egress_rule",
                """{"security_group_id":"sg-1","ip_protocol":"-1","from_port":null,"to_port":null,"cidr_ipv4":"0.0.0.0/0"}"""),
        ]);

        Assert.Equal(["aws_security_group.g: ingress all traffic from pl-1 is not in the configuration"], summary.DriftDetails.Select(d => d.ToString()));
    }

    private static PlanSummary Plan(IEnumerable<string>? drift = null, IEnumerable<string>? changes = null)
    {
        var json = $$"""{"format_version":"1.2","resource_drift":[{{string.Join(",", drift ?? [])}}],"resource_changes":[{{string.Join(",", changes ?? [])}}]}""";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return PlanReader.Read(stream, "plan.json", 64);
    }

    private static string[] Entry(string address, string type, string before, string after) =>
        [$$$"""{"address":"{{{address}}}","mode":"managed","type":"{{{type}}}","change":{"actions":["update"],"before":{{{before}}},"after":{{{after}}}}}"""];

    private static string[] Change(string address, string type, string state) =>
        [$$$"""{"address":"{{{address}}}","mode":"managed","type":"{{{type}}}","change":{"actions":["no-op"],"before":{{{state}}},"after":{{{state}}}}}"""];
}
