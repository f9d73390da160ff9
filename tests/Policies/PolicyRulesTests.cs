using System.Text.Json.Nodes;
using Pipeline.Policies;
using static Tests.Policies.HandMadePlans;

namespace Tests.Policies;

/// <summary>Each shipped rule on real plans (../shared/fixtures) and on hand-made minimal ones.</summary>
public sealed class PolicyRulesTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 29);
    private readonly string _directory = Directory.CreateTempSubdirectory("policy-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Fixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", name);

    private static PolicyReport Evaluate(string plan, string environment = "dev", IReadOnlyList<PolicyWaiver>? waivers = null, params string[] allowed) =>
        new PolicyEvaluation(PolicyRules.All, new PolicyContext(environment, allowed.Length > 0 ? allowed : ["t3.micro", "t3.small"]), waivers ?? [], Today).Evaluate(plan);

    private PolicyReport Evaluate(params Change[] changes) => Evaluate(Write(_directory, changes));

    private static RuleResult Rule(PolicyReport report, string id) => report.Rules.Single(r => r.Rule == id);

    private static IEnumerable<(string Address, string Reason)> Violations(PolicyReport report, string rule) =>
        Rule(report, rule).Violations.Where(v => v.Counts).Select(v => (v.Address, v.Reason));

    [Fact]
    public void No_public_ingress_allows_80_and_443_to_the_internet_and_nothing_else()
    {
        var report = Evaluate(
            Ingress("http", "0.0.0.0/0", 80, 80),
            Ingress("https6", "::/0", 443, 443),
            Ingress("ssh_office", "203.0.113.0/24", 22, 22),
            Ingress("ssh_world", "0.0.0.0/0", 22, 22),
            Ingress("everything6", "::/0", null, null, protocol: "-1"),
            Ingress("range", "0.0.0.0/0", 80, 443));

        Assert.Equal(6, Rule(report, "no-public-ingress").Evaluated);
        Assert.Equal(
            [
                ("aws_vpc_security_group_ingress_rule.ssh_world", "opens tcp port 22 to 0.0.0.0/0; only ports 80 and 443 may be open to the internet"),
                ("aws_vpc_security_group_ingress_rule.everything6", "opens all traffic to ::/0; only ports 80 and 443 may be open to the internet"),
                ("aws_vpc_security_group_ingress_rule.range", "opens tcp ports 80-443 to 0.0.0.0/0; only ports 80 and 443 may be open to the internet"),
            ],
            Violations(report, "no-public-ingress"));
        Assert.False(report.Passed);
    }

    [Fact]
    public void No_public_ingress_reads_inline_security_group_blocks_and_security_group_rules_but_not_egress()
    {
        var group = new Change("aws_security_group.web", "update", Tagged(new JsonObject
        {
            ["ingress"] = new JsonArray(
                new JsonObject { ["cidr_blocks"] = new JsonArray("0.0.0.0/0"), ["ipv6_cidr_blocks"] = new JsonArray(), ["from_port"] = 443, ["to_port"] = 443, ["protocol"] = "tcp" },
                new JsonObject { ["cidr_blocks"] = new JsonArray(), ["ipv6_cidr_blocks"] = new JsonArray("::/0"), ["from_port"] = 22, ["to_port"] = 22, ["protocol"] = "tcp" }),
        }));
        var rule = new Change("module.net.aws_security_group_rule.all[0]", "create", new JsonObject
        {
            ["type"] = "ingress", ["cidr_blocks"] = new JsonArray("10.0.0.0/8", "0.0.0.0/0"), ["from_port"] = 0, ["to_port"] = 0, ["protocol"] = "-1",
        });
        var egress = new Change("aws_security_group_rule.out", "create", new JsonObject
        {
            ["type"] = "egress", ["cidr_blocks"] = new JsonArray("0.0.0.0/0"), ["from_port"] = 0, ["to_port"] = 0, ["protocol"] = "-1",
        });

        var report = Evaluate(group, rule, egress);

        Assert.Equal(
            [
                ("aws_security_group.web", "inline ingress opens tcp port 22 to ::/0; only ports 80 and 443 may be open to the internet"),
                ("module.net.aws_security_group_rule.all[0]", "opens all traffic to 0.0.0.0/0; only ports 80 and 443 may be open to the internet"),
            ],
            Violations(report, "no-public-ingress"));
        Assert.Equal(3, Rule(report, "no-public-ingress").Evaluated);
    }

    [Fact]
    public void On_a_real_plan_a_group_with_unknown_ingress_and_an_egress_rule_pass_but_the_group_lacks_the_required_tags()
    {
        var report = Evaluate(Fixture("tfcompliance-issue522_plan.out.json"));

        Assert.Equal(2, Rule(report, "no-public-ingress").Evaluated);
        Assert.Empty(Violations(report, "no-public-ingress"));
        var tags = Violations(report, "required-tags").ToList();
        Assert.Contains(("aws_security_group.lambda_sg",
            "missing tags Project, Environment, ManagedBy (has: Application, Client, CreatedBy, Instance, Name, Owner, Product, Team)"), tags);
        Assert.DoesNotContain(tags, t => t.Address.StartsWith("aws_cloudwatch_event_rule.Metricos_custom_alert_schedule_frequent", StringComparison.Ordinal)); // deleted
    }

    [Fact]
    public void Required_tags_come_from_tags_all_or_tags_and_a_value_known_only_after_apply_counts()
    {
        var defaults = new Change("aws_key_pair.deploy", "create", Tagged(new JsonObject { ["key_name"] = "k" }));
        var ownTags = new Change("aws_s3_bucket.logs", "create", new JsonObject { ["tags"] = CompliantTags.DeepClone() });
        var laterValue = new Change("aws_ebs_volume.data", "create",
            new JsonObject { ["encrypted"] = true, ["tags"] = null, ["tags_all"] = new JsonObject { ["Project"] = "p", ["ManagedBy"] = "terraform" } },
            new JsonObject { ["tags_all"] = new JsonObject { ["Environment"] = true } });
        var missing = new Change("aws_s3_bucket.bare", "update", new JsonObject { ["tags"] = new JsonObject { ["Project"] = "p", ["Environment"] = "" }, ["tags_all"] = new JsonObject { ["Project"] = "p", ["Environment"] = "" } });
        var unknown = new Change("aws_s3_bucket.later", "create", new JsonObject(), new JsonObject { ["tags"] = true, ["tags_all"] = true });
        var untaggable = new Change("aws_iam_role_policy_attachment.a", "create", new JsonObject { ["role"] = "r" });

        var report = Evaluate(defaults, ownTags, laterValue, missing, unknown, untaggable);

        Assert.Equal(5, Rule(report, "required-tags").Evaluated);
        Assert.Equal(
            [
                ("aws_s3_bucket.bare", "missing tags Environment, ManagedBy (has: Project)"),
                ("aws_s3_bucket.later", "its tags are known only after apply; set Project, Environment and ManagedBy in the configuration (default_tags)"),
            ],
            Violations(report, "required-tags"));
    }

    [Fact]
    public void Encrypted_volumes_on_a_real_plan_existing_unencrypted_roots_and_new_instances_that_leave_it_to_the_account()
    {
        var report = Evaluate(Fixture("infracost_terraform_v0.14_plan.json"), allowed: ["t3.nano"]);

        var violations = Violations(report, "encrypted-volumes").ToList();
        Assert.Contains(("aws_instance.instance_1", "the root volume is not encrypted; set root_block_device { encrypted = true }"), violations);
        Assert.Contains(("aws_instance.instance_2", "root volume encryption is not set (left to the account default); set root_block_device { encrypted = true }"), violations);
        Assert.Contains(("module.instances.aws_instance.module_instance_named[\"test.2\"]", "root volume encryption is not set (left to the account default); set root_block_device { encrypted = true }"), violations);
        Assert.Equal(12, Rule(report, "encrypted-volumes").Evaluated);
        Assert.Empty(Violations(report, "allowed-instance-types"));
    }

    [Fact]
    public void A_root_volume_or_block_device_whose_encryption_is_known_only_after_apply_is_said_so_not_called_unencrypted()
    {
        // As terraform show -json writes a root_block_device { volume_size = 8 } without encrypted: absent in after,
        // true in after_unknown.
        var instance = Instance("web", rootEncrypted: null);
        instance.After!["root_block_device"] = new JsonArray(new JsonObject { ["volume_size"] = 8 });
        instance.After!["ebs_block_device"] = new JsonArray(new JsonObject { ["device_name"] = "/dev/sdf", ["volume_size"] = 20 });
        var unknown = new JsonObject
        {
            ["root_block_device"] = new JsonArray(new JsonObject { ["encrypted"] = true, ["kms_key_id"] = true }),
            ["ebs_block_device"] = new JsonArray(new JsonObject { ["encrypted"] = true }),
        };

        var report = Evaluate(new Change("aws_instance.web", "create", instance.After, unknown));

        Assert.Equal(
            [
                ("aws_instance.web", "root volume encryption is not set (known only after apply); set root_block_device { encrypted = true }"),
                ("aws_instance.web", "EBS block device /dev/sdf encryption is not set (known only after apply); set encrypted = true"),
            ],
            Violations(report, "encrypted-volumes"));
    }

    [Fact]
    public void Encrypted_volumes_pass_when_set_and_fail_for_a_plain_ebs_volume_or_block_device()
    {
        var device = Instance("db");
        device.After!["ebs_block_device"] = new JsonArray(new JsonObject { ["device_name"] = "/dev/sdf", ["encrypted"] = false });
        var report = Evaluate(
            Instance("web"),
            device,
            new Change("aws_ebs_volume.plain", "create", Tagged(new JsonObject { ["encrypted"] = false })),
            new Change("aws_ebs_volume.later", "create", Tagged(new JsonObject()), new JsonObject { ["encrypted"] = true }),
            new Change("aws_launch_template.web", "create", Tagged(new JsonObject
            {
                ["block_device_mappings"] = new JsonArray(new JsonObject { ["device_name"] = "/dev/xvda", ["ebs"] = new JsonArray(new JsonObject { ["encrypted"] = "" }) }),
            })));

        Assert.Equal(
            [
                ("aws_instance.db", "EBS block device /dev/sdf is not encrypted; set encrypted = true"),
                ("aws_ebs_volume.plain", "the volume is not encrypted; set encrypted = true"),
                ("aws_ebs_volume.later", "encryption is not set (known only after apply); set encrypted = true"),
                ("aws_launch_template.web", "EBS mapping /dev/xvda is not encrypted; set ebs { encrypted = true }"),
            ],
            Violations(report, "encrypted-volumes"));
    }

    [Fact]
    public void An_attribute_a_trimmed_plan_does_not_list_at_all_is_not_judged()
    {
        var minimal = new Change("aws_instance.web", "create", Tagged(new JsonObject { ["instance_type"] = "t3.micro" }));
        var noType = new Change("aws_instance.other", "create", Tagged(new JsonObject { ["root_block_device"] = new JsonArray(new JsonObject { ["encrypted"] = true }) }));

        var report = Evaluate(minimal, noType);

        Assert.True(report.Passed, string.Join("\n", report.Counting.Select(v => v.Line)));
        Assert.Equal(1, Rule(report, "encrypted-volumes").Evaluated);
        Assert.Equal(1, Rule(report, "allowed-instance-types").Evaluated);
    }

    [Fact]
    public void Allowed_instance_types_come_from_the_environment()
    {
        var plan = Write(_directory, Instance("web", "t3.small"), Instance("big", "m6i.large"));

        Assert.Equal([("aws_instance.big", "instance type m6i.large is not allowed in dev (allowed: t3.micro, t3.small)")], Violations(Evaluate(plan), "allowed-instance-types"));
        Assert.True(Evaluate(plan, "prod", null, "t3.small", "m6i.large").Passed);
        var none = new PolicyEvaluation(PolicyRules.All, new PolicyContext("qa", []), [], Today).Evaluate(plan);
        Assert.Contains(("aws_instance.web", "instance type t3.small: no types are allowed in qa; list them as AllowedInstanceTypes in .nuke/parameters.qa.json"), Violations(none, "allowed-instance-types"));
        var secret = Instance("secret", "x9.secret-type") with { AfterSensitive = new JsonObject { ["instance_type"] = true } };
        Assert.Equal([("aws_instance.secret", "instance type (sensitive) is not allowed in dev (allowed: t3.micro, t3.small)")], Violations(Evaluate(secret), "allowed-instance-types"));
    }

    [Fact]
    public void A_waiver_covers_one_rule_and_address_until_its_expiry_and_then_stops_counting_and_says_so()
    {
        var plan = Write(_directory, Ingress("ssh_world", "0.0.0.0/0", 22, 22), Instance("web"));
        var current = new PolicyWaiver("no-public-ingress", "aws_vpc_security_group_ingress_rule.ssh_world", "bastion until the VPN lands (OPS-12)", Today, null);
        var expired = current with { Expires = Today.AddDays(-1) };
        var elsewhere = current with { Environment = "prod" };
        var unused = new PolicyWaiver("required-tags", "aws_s3_bucket.gone", "old", Today.AddDays(30), null);

        var waived = Evaluate(plan, waivers: [current, unused]);
        var lapsed = Evaluate(plan, waivers: [expired]);
        var otherEnvironment = Evaluate(plan, waivers: [elsewhere]);

        Assert.True(waived.Passed, string.Join("\n", waived.Counting.Select(v => v.Line)));
        Assert.Equal("no-public-ingress aws_vpc_security_group_ingress_rule.ssh_world: opens tcp port 22 to 0.0.0.0/0; only ports 80 and 443 may be open to the internet (waived until 2026-11-29: bastion until the VPN lands (OPS-12))",
            Assert.Single(waived.AllViolations).Line);
        Assert.Equal([unused], waived.UnusedWaivers);
        Assert.Contains("1 waived", waived.OneLine);
        Assert.False(lapsed.Passed);
        Assert.EndsWith("(waiver expired on 2026-11-28: no longer counts)", Assert.Single(lapsed.Counting).Line);
        Assert.Contains("waiver **expired** on 2026-11-28", PolicyReportFormats.ToMarkdown(lapsed));
        Assert.False(otherEnvironment.Passed);
    }

    [Fact]
    public void The_comment_section_lists_a_bounded_number_of_violations_and_counts_the_rest()
    {
        var report = Evaluate(Instance("a", "m5.large"), Instance("b", "m5.large"), Instance("c", "m5.large"));

        var section = PolicyReportFormats.ToMarkdown(report, listed: 1);

        Assert.Contains("#### Policy check: ❌ 3 violations", section);
        Assert.Contains("| `allowed-instance-types` — Instance types come from the environment's AllowedInstanceTypes | 3 | ❌ 3 violations |", section);
        Assert.Contains("- `allowed-instance-types` `aws_instance.a`: instance type m5.large is not allowed in dev (allowed: t3.micro, t3.small)", section);
        Assert.DoesNotContain("aws_instance.b", section);
        Assert.Contains("- … and 2 more (the policy report in the CircleCI job's artifacts lists them all)", section);
        Assert.Contains("aws_instance.c", PolicyReportFormats.ToMarkdown(report));
    }

    [Fact]
    public void A_plan_with_changes_that_no_rule_looks_at_fails_closed()
    {
        var report = Evaluate(
            new Change("terraform_data.web", "create", new JsonObject { ["input"] = "x" }),
            new Change("random_id.suffix", "delete,create", new JsonObject { ["byte_length"] = 4 }));

        var violation = Assert.Single(report.Counting);
        Assert.Equal(PolicyRules.CoverageRuleId, violation.Rule);
        Assert.Equal("*", violation.Address);
        Assert.StartsWith("no policy evaluated anything: the plan creates or changes 2 resources (terraform_data.web, random_id.suffix)", violation.Reason);
        Assert.Equal("policy failed: 1 violation of policy-coverage", report.OneLine);
    }

    [Fact]
    public void A_plan_without_changes_or_that_only_destroys_has_nothing_to_judge_and_passes()
    {
        Assert.True(Evaluate(Fixture("checkov-providers_tfplan.json")).Passed);
        Assert.True(Evaluate(new Change("terraform_data.web", "no-op", new JsonObject())).Passed);
        var teardown = Evaluate(new Change("aws_instance.web", "delete", null), new Change("terraform_data.x", "delete", null));
        Assert.True(teardown.Passed);
        Assert.Equal(0, teardown.Evaluated);
    }

    [Fact]
    public void A_waiver_file_with_a_mistake_is_one_line_naming_the_waiver_and_what_was_expected()
    {
        string Load(string json)
        {
            var path = Path.Combine(_directory, "policy-waivers.json");
            File.WriteAllText(path, json);
            return Assert.Throws<PolicyWaiverException>(() => PolicyWaivers.Load(path, PolicyEvaluation.WaivableRuleIds(PolicyRules.All))).Message;
        }

        Assert.Equal("policy-waivers.json: waiver 1 has no 'reason'; expected {\"waivers\": [{\"rule\", \"address\", \"reason\", \"expires\": \"YYYY-MM-DD\"}]}.",
            Load("""{"waivers": [{"rule": "required-tags", "address": "a.b", "expires": "2027-01-01"}]}"""));
        Assert.Equal("policy-waivers.json: waiver 2 names rule 'no-ssh'; expected one of no-public-ingress, required-tags, encrypted-volumes, allowed-instance-types, policy-coverage.",
            Load("""{"waivers": [{"rule": "required-tags", "address": "a.b", "reason": "r", "expires": "2027-01-01"}, {"rule": "no-ssh", "address": "a.b", "reason": "r", "expires": "2027-01-01"}]}"""));
        Assert.StartsWith("policy-waivers.json: waiver 1 names rule 'required-tag' (did you mean 'required-tags'?); expected one of",
            Load("""[{"rule": "required-tag", "address": "a.b", "reason": "r", "expires": "2027-01-01"}]"""));
        Assert.Equal("policy-waivers.json: waiver 1 expires '31/12/2026'; expected a date as YYYY-MM-DD.",
            Load("""[{"rule": "required-tags", "address": "a.b", "reason": "r", "expires": "31/12/2026"}]"""));
        Assert.StartsWith("policy-waivers.json is not valid JSON (line 1)", Load("""{"waivers": [ """));
    }

    [Fact]
    public void A_waiver_file_accepts_a_plain_list_common_field_spellings_and_an_ISO_time_as_expiry()
    {
        var path = Path.Combine(_directory, "policy-waivers.json");
        File.WriteAllText(path, """
            [ { "rule": "required-tags", "resource": "aws_s3_bucket.logs", "reason": "vendor bucket", "expiry": "2027-01-31T12:00:00Z" },
              // comments are allowed, as in the parameter files
              { "rule": "encrypted-volumes", "address": "aws_ebs_volume.scratch", "reason": "scratch", "expires": "2026-12-01", "environment": "dev" }, ]
            """);

        var waivers = PolicyWaivers.Load(path, PolicyEvaluation.WaivableRuleIds(PolicyRules.All));

        Assert.Equal(
            [
                new PolicyWaiver("required-tags", "aws_s3_bucket.logs", "vendor bucket", new DateOnly(2027, 1, 31), null),
                new PolicyWaiver("encrypted-volumes", "aws_ebs_volume.scratch", "scratch", new DateOnly(2026, 12, 1), "dev"),
            ],
            waivers);
        Assert.Empty(PolicyWaivers.Load(Path.Combine(_directory, "absent.json"), ["required-tags"]));
    }
}
