using System.Text.Json;
using System.Text.Json.Nodes;
using BuildEngine;
using static Tests.Policies.HandMadePlans;

namespace Tests.Policies;

/// <summary>
/// PolicyCheck as users run it: on any plan JSON (--plan-json), and in the pipeline on the environment's plan, where
/// a failure also stops TerraformApply of that plan. Plans recorded from real AWS modules come through the terraform
/// double (no AWS provider offline); the real Terraform case is in <see cref="RealPlanPolicyTests"/>.
/// </summary>
public sealed class PolicyCheckTargetTests : IDisposable
{
    private readonly PipelineRun _run = new("infra", ".nuke");
    private readonly string _log = Path.GetTempFileName();

    public void Dispose()
    {
        _run.Dispose();
        File.Delete(_log);
        File.Delete(_log + ".applied");
    }

    private static string Fixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", name);

    /// <summary>Error lines besides the engine's closing "Build failed on …".</summary>
    private static int ErrorLines(string output) =>
        output.Split('\n').Count(l => l.Contains("error:", StringComparison.Ordinal) && !l.Contains("error: Build failed on", StringComparison.Ordinal));

    [Fact]
    public async Task A_real_plan_with_violations_fails_with_one_line_per_violation_naming_rule_and_address()
    {
        var outcome = await _run.RunAsync(["PolicyCheck", "--plan-json", Fixture("infracost_terraform_v0.14_plan.json")]);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("policy violation: encrypted-volumes aws_instance.instance_1: the root volume is not encrypted; set root_block_device { encrypted = true }", outcome.Output);
        Assert.Contains("policy violation: allowed-instance-types aws_instance.instance_2: instance type t3.nano is not allowed in dev (allowed: t3.micro, t3.small)", outcome.Output);
        Assert.Contains("policy violation: required-tags module.db.module.db_2.module.db_instance.aws_db_instance.this[0]: missing tags", outcome.Output);
        Assert.Equal(1, ErrorLines(outcome.Output));
        Assert.Matches(@"error: PolicyCheck failed: Policy check failed for dev: \d+ violations \(.+; …\); fix the configuration, or waive with a reason and an expiry in policy-waivers.json\.", outcome.Output);
        var report = JsonNode.Parse(File.ReadAllText(_run.Temp / "policy" / "dev.plan-json.json"))!;
        Assert.False((bool)report["passed"]!);
    }

    [Fact]
    public async Task A_compliant_plan_passes_and_the_profile_of_the_environment_decides_instance_types()
    {
        var plan = Write(_run.Root, Ingress("http", "0.0.0.0/0", 80, 80), Instance("web", "m6i.large"));

        var dev = await _run.RunAsync(["PolicyCheck", "--plan-json", plan]);
        var prod = await _run.RunAsync(["PolicyCheck", "--plan-json", plan, "--profile", "prod"]);
        var prodByName = await _run.RunAsync(["PolicyCheck", "--plan-json", plan, "--deploy-environment", "prod"]);

        Assert.Equal(ExitCodes.TargetFailed, dev.ExitCode);
        Assert.Contains("instance type m6i.large is not allowed in dev", dev.Output);
        Assert.True(prod.ExitCode == 0, prod.Output);
        Assert.Contains("policy passed: 4 rules, 5 checks", prod.Output);
        Assert.True(prodByName.ExitCode == 0, prodByName.Output);
    }

    [Fact]
    public async Task Waivers_in_the_repository_count_until_they_expire_and_a_broken_file_is_one_error_line()
    {
        var plan = Write(_run.Root, Ingress("ssh", "0.0.0.0/0", 22, 22));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var waivers = _run.Root / "policy-waivers.json";
        File.WriteAllText(waivers, $$"""{ "waivers": [ { "rule": "no-public-ingress", "address": "aws_vpc_security_group_ingress_rule.ssh", "reason": "bastion, OPS-12", "expires": "{{today}}" } ] }""");
        var waived = await _run.RunAsync(["PolicyCheck", "--plan-json", plan]);
        File.WriteAllText(waivers, """{ "waivers": [ { "rule": "no-public-ingress", "address": "aws_vpc_security_group_ingress_rule.ssh", "reason": "bastion, OPS-12", "expires": "2020-01-31" } ] }""");
        var expired = await _run.RunAsync(["PolicyCheck", "--plan-json", plan]);
        File.WriteAllText(waivers, """{ "waivers": [ { "rule": "no-public-ingress", "address": "aws_vpc_security_group_ingress_rule.ssh", "expires": "2030-01-31" } ] }""");
        var broken = await _run.RunAsync(["PolicyCheck", "--plan-json", plan]);

        Assert.True(waived.ExitCode == 0, waived.Output);
        Assert.Contains($"waived: no-public-ingress aws_vpc_security_group_ingress_rule.ssh: opens tcp port 22 to 0.0.0.0/0; only ports 80 and 443 may be open to the internet (waived until {today}: bastion, OPS-12)", waived.Output);
        Assert.Equal(ExitCodes.TargetFailed, expired.ExitCode);
        Assert.Contains("(waiver expired on 2020-01-31: no longer counts)", expired.Output);
        Assert.Equal(ExitCodes.TargetFailed, broken.ExitCode);
        Assert.Equal(1, ErrorLines(broken.Output));
        Assert.Contains("error: PolicyCheck failed: policy-waivers.json: waiver 1 has no 'reason'", broken.Output);
    }

    [Fact]
    public async Task Without_a_plan_PolicyCheck_says_which_file_it_expected()
    {
        var outcome = await _run.RunAsync(["PolicyCheck", "--profile", "staging"]);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("error: PolicyCheck failed: No plan to check for environment 'staging':", outcome.Output);
        Assert.Contains("run TerraformPlan (or TerraformDestroy) first, or pass --plan-json <file>.", outcome.Output);
    }

    [Fact]
    public async Task In_the_pipeline_a_failed_policy_check_stops_the_apply_of_that_plan_even_when_skipped()
    {
        var environment = new Dictionary<string, string>
        {
            ["TERRAFORM_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Terraform", "terraform-double.sh"),
            ["TERRAFORM_DOUBLE_LOG"] = _log,
            ["TERRAFORM_DOUBLE_PLAN_JSON"] = Fixture("tfcompliance-issue522_plan.out.json"),
            ["CIRCLECI"] = "true", ["CIRCLE_SHA1"] = "c0ffee1", ["CIRCLE_BRANCH"] = "main",
            ["AWS_REGION"] = "eu-west-1", ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI-example-secret",
            ["KEEP_PLANS_LOCAL"] = "true",
        };
        Assert.Equal(0, (await _run.RunAsync(["TerraformPlan", "--skip"], environment)).ExitCode);

        var check = await _run.RunAsync(["PolicyCheck", "--skip"], environment);
        var apply = await _run.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], environment);

        Assert.Equal(ExitCodes.TargetFailed, check.ExitCode);
        Assert.Contains("policy violation: required-tags aws_security_group.lambda_sg: missing tags Project, Environment, ManagedBy", check.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(_run.Temp / "terraform" / "dev" / "summary.json"));
        Assert.False(summary.RootElement.GetProperty("policy").GetProperty("passed").GetBoolean());
        Assert.Equal(5, summary.RootElement.GetProperty("create").GetInt32());
        Assert.Equal(ExitCodes.TargetFailed, apply.ExitCode);
        Assert.Contains("error: TerraformApply failed: TerraformApply refused: PolicyCheck failed on this plan (policy failed:", apply.Output);
        Assert.False(File.Exists(_log + ".applied"), "nothing may be applied");
    }
}
