using System.Text.Json;
using BuildEngine;
using Tests.Engine;

namespace Tests.Terraform;

/// <summary>
/// What only the terraform double can show: plans recorded from real AWS modules (../shared/fixtures: thousands of
/// resources, deletes and replacements, drift entries that a module of terraform_data cannot produce offline), a
/// Terraform older than required_version, and the exact arguments and environment the build hands Terraform.
/// Everything a real run can show is in <see cref="RealTerraformTests"/>.
/// </summary>
public sealed class TerraformTargetTests : IDisposable
{
    private const string Secret = "Pl4nted-Terraform-S3cret";
    private readonly PipelineRun _run = new("infra");
    private readonly string _log = Path.GetTempFileName();

    public void Dispose()
    {
        _run.Dispose();
        File.Delete(_log);
        File.Delete(_log + ".applied");
    }

    private static string PlanFixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", name);

    private Dictionary<string, string> Environment(string plan = "infracost_terraform_v0.14_plan.json", string commit = "c0ffee1", string branch = "main", params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["TERRAFORM_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Terraform", "terraform-double.sh"),
            ["TERRAFORM_DOUBLE_LOG"] = _log,
            ["TERRAFORM_DOUBLE_PLAN_JSON"] = PlanFixture(plan),
            ["TERRAFORM_DOUBLE_OUTPUTS"] = Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Terraform", "Fixtures", "outputs-with-sensitive.json"),
            ["CIRCLECI"] = "true",
            ["CIRCLE_SHA1"] = commit,
            ["CIRCLE_BRANCH"] = branch,
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI-example-secret",
            ["KEEP_PLANS_LOCAL"] = "true", // the plan store's own tests run on moto
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private string PlanDirectory => _run.Temp / "terraform" / "dev";

    private string[] Applied() => File.Exists(_log + ".applied") ? File.ReadAllLines(_log + ".applied") : [];

    private async Task<RunOutcome> PlanAsync(Dictionary<string, string>? environment = null)
    {
        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], environment ?? Environment());
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        return outcome;
    }

    [Fact]
    public async Task TerraformPlan_produces_the_plan_its_json_summaries_and_a_record_of_hash_and_commit()
    {
        var outcome = await PlanAsync();

        foreach (var file in new[] { "plan.tfplan", "plan.json", "plan.txt", "summary.json", "summary.md", "plan.meta.json" })
            Assert.True(File.Exists(Path.Combine(PlanDirectory, file)), file);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(PlanDirectory, "plan.meta.json")));
        Assert.Equal(Pipeline.Terraform.PlanMetadata.Sha256Of(Path.Combine(PlanDirectory, "plan.tfplan")), meta.RootElement.GetProperty("plan_sha256").GetString());
        Assert.Equal("c0ffee1", meta.RootElement.GetProperty("commit").GetString());
        Assert.Equal("dev", meta.RootElement.GetProperty("environment").GetString());
        Assert.True(meta.RootElement.GetProperty("has_changes").GetBoolean());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(PlanDirectory, "summary.json")));
        Assert.Equal(12, summary.RootElement.GetProperty("create").GetInt32());
        Assert.Contains("12 to add, 1 to change, 0 to destroy, 0 to replace", outcome.Output);

        var calls = File.ReadAllLines(_log);
        Assert.Contains(calls, c => c.Contains("init -input=false -no-color -lockfile=readonly -backend-config=") && c.Contains("environments/dev.s3.tfbackend"));
        Assert.Contains(calls, c => c.Contains("plan -input=false") && c.Contains("environments/dev.tfvars") && c.Contains("-var=commit=c0ffee1"));
        // No instance-metadata probe, no HashiCorp version check, whatever the machine's environment says.
        Assert.All(calls, c => Assert.EndsWith("|env AWS_EC2_METADATA_DISABLED=true CHECKPOINT_DISABLE=1", c));
    }

    [Fact]
    public async Task TerraformApply_refuses_a_destroying_plan_without_AllowDestroy()
    {
        await PlanAsync(Environment(plan: "snyk_plan.json"));

        var refused = await _run.RunAsync(["TerraformApply", "--skip"], Environment(plan: "snyk_plan.json"));
        Assert.Equal(ExitCodes.TargetFailed, refused.ExitCode);
        Assert.Contains("the plan deletes or replaces aws_s3_bucket.", refused.Output);
        Assert.Contains("pass --allow-destroy", refused.Output);
        Assert.Empty(Applied());

        var allowed = await _run.RunAsync(["TerraformApply", "--skip", "--allow-destroy"], Environment(plan: "snyk_plan.json"));
        Assert.True(allowed.ExitCode == 0, allowed.Output);
        Assert.Single(Applied());
    }

    [Fact]
    public async Task A_terraform_outside_required_version_is_a_clear_error()
    {
        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], Environment(extra: ("TERRAFORM_DOUBLE_VERSION", "1.5.7")));

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("1.5.7 does not satisfy required_version \">= 1.6.0, < 2.0.0\" in infra/", outcome.Output);
    }

    [Fact]
    public async Task DriftCheck_succeeds_without_drift_and_lists_drifted_resources_otherwise()
    {
        var clean = await _run.RunAsync(["DriftCheck"], Environment(extra: ("TERRAFORM_DOUBLE_PLAN_EXIT", "0")));
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Contains("No drift", clean.Output);

        var drifted = await _run.RunAsync(["DriftCheck"], Environment(plan: "tfcompliance-issue522_plan.out.json"));
        Assert.Equal(ExitCodes.TargetFailed, drifted.ExitCode);
        // Of the plan's 15 drift entries, 9 have identical states (Terraform 1.0.0 listed them); 6 were deleted outside.
        Assert.Contains("Drift detected: changed outside Terraform: aws_lambda_permission.allow_alert_event_bridge_to_call_monitor_metric_lambdas_frequent: deleted outside Terraform", drifted.Output);
        Assert.DoesNotContain("aws_cloudwatch_event_rule.metrics_schedule", drifted.Output);
        Expect.Matches(@"DriftCheck\s+Failed\s+[\d.]+ s\s+drift: 6 changed outside Terraform", drifted.Output);
    }

    [Theory]
    [InlineData("summary.json")]
    [InlineData("summary.md")]
    [InlineData("summary.txt")]
    public async Task SummarizePlan_writes_the_format_its_extension_asks_for(string name)
    {
        var target = _run.Root / name;

        var outcome = await _run.RunAsync(["SummarizePlan", "--plan-json", PlanFixture("snyk_plan.json"), "--summary-out", target]);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var content = File.ReadAllText(target);
        if (name.EndsWith(".json")) Assert.Equal(1, JsonDocument.Parse(content).RootElement.GetProperty("delete").GetInt32());
        else Assert.Contains("aws_s3_bucket", content);
    }

    [Fact]
    public async Task SummarizePlan_on_something_that_is_not_a_plan_fails_in_one_line()
    {
        var notAPlan = _run.Root / "state.json";
        File.WriteAllText(notAPlan, "{\"format_version\":\"1.0\",\"values\":{}}");

        var outcome = await _run.RunAsync(["SummarizePlan", "--plan-json", notAPlan]);
        var missing = await _run.RunAsync(["SummarizePlan"]);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("state.json is not a Terraform plan: it has neither planned_values nor resource_changes", outcome.Output);
        Assert.Equal(ExitCodes.UsageError, missing.ExitCode);
        Assert.Contains("SummarizePlan requires parameter PlanJson (set --plan-json or PLAN_JSON)", missing.Output);
    }
}
