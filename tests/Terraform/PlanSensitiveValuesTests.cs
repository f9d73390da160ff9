using System.Text;
using Pipeline.Terraform;

namespace Tests.Terraform;

/// <summary>
/// The sensitive values of a plan, found in one streaming pass: every place Terraform marks one, whatever the order
/// of the plan's sections, with buffers so small that every value straddles a refill.
/// </summary>
public sealed class PlanSensitiveValuesTests
{
    // Terraform writes variables before configuration, and before/after before their masks: the reader keeps what
    // it needs until the mask or the declaration arrives.
    private const string Plan = """
        {
          "format_version": "1.2",
          "variables": { "db_password": { "value": "hunter2-from-tfvars" }, "region": { "value": "eu-west-1" } },
          "planned_values": {
            "outputs": { "token": { "sensitive": true, "value": "output-token-9" }, "url": { "sensitive": false, "value": "https://open" } },
            "root_module": {
              "resources": [ { "address": "aws_db_instance.main", "values": { "password": "planned-pw", "name": "db" }, "sensitive_values": { "password": true } } ],
              "child_modules": [ { "address": "module.app", "resources": [],
                "child_modules": [ { "address": "module.app.module.deep", "resources": [
                  { "address": "module.app.module.deep.x.y", "values": { "keys": ["k-open", "k-secret"], "tags": { "t": "deep-secret" } }, "sensitive_values": { "keys": [false, true], "tags": true } } ] } ] } ]
            }
          },
          "resource_drift": [ { "address": "aws_ssm_parameter.p", "change": { "actions": ["update"], "before": { "value": "drifted-old" }, "after": { "value": "drifted-new" }, "before_sensitive": { "value": true }, "after_sensitive": { "value": true } } } ],
          "resource_changes": [
            { "address": "aws_instance.web", "change": { "actions": ["create"], "before": null, "after": { "user_data": "echo user-data-secret", "ami": "ami-123", "nested": [{ "a": 1234567 }] }, "after_unknown": {}, "before_sensitive": false, "after_sensitive": { "user_data": true, "nested": [{ "a": true }] } } }
          ],
          "output_changes": { "conn": { "actions": ["create"], "before": null, "after": "postgres://u:pw-in-output@h", "before_sensitive": false, "after_sensitive": true } },
          "prior_state": { "values": { "root_module": { "resources": [ { "address": "aws_db_instance.main", "values": { "password": "prior-pw" }, "sensitive_values": { "password": true } } ] } } },
          "configuration": { "root_module": { "variables": { "db_password": { "sensitive": true, "default": "default-pw" }, "region": {} } } }
        }
        """;

    private static readonly string[] Expected =
    [
        "hunter2-from-tfvars", "default-pw", "output-token-9", "planned-pw", "k-secret", "deep-secret", "drifted-old", "drifted-new",
        "echo user-data-secret", "1234567", "postgres://u:pw-in-output@h", "prior-pw",
    ];

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(16)]
    [InlineData(1)]
    public void Every_marked_value_is_found_and_nothing_else(int bufferSize)
    {
        var found = PlanSensitiveValues.Collect(new MemoryStream(Encoding.UTF8.GetBytes(Plan)), bufferSize);
        Assert.Equal(Expected.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_real_plans_give_the_same_values_with_any_buffer()
    {
        var fixtures = Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan");
        foreach (var file in Directory.GetFiles(fixtures, "*.json"))
        {
            var whole = PlanSensitiveValues.Collect(file);
            using var stream = File.OpenRead(file);
            Assert.Equal(whole.Order(StringComparer.Ordinal), PlanSensitiveValues.Collect(stream, 7).Order(StringComparer.Ordinal));
        }
        var sensitive = PlanSensitiveValues.Collect(Path.Combine(fixtures, "ovsds-sensitive_terraform.tfplan.json"));
        Assert.NotEmpty(sensitive);
    }

    [Fact]
    public void An_entry_larger_than_the_buffer_is_read_whole_and_values_outside_entries_are_not_kept()
    {
        var secret = new string('s', 5000);
        var noise = string.Join(',', Enumerable.Repeat("\"noise\"", 2000));
        var plan = "{\"format_version\":\"1.2\",\"relevant_attributes\":[" + noise + "],\"resource_changes\":[{\"address\":\"a.b\",\"change\":{\"actions\":[\"create\"],"
            + "\"before\":null,\"after\":{\"v\":\"" + secret + "\"},\"before_sensitive\":false,\"after_sensitive\":{\"v\":true}}}]}";
        Assert.Equal([secret], PlanSensitiveValues.Collect(new MemoryStream(Encoding.UTF8.GetBytes(plan)), 64));
    }

    [Fact]
    public void A_plan_that_ends_early_is_an_error_not_a_partial_answer()
    {
        var truncated = Plan[..(Plan.Length / 2)];
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PlanSensitiveValues.Collect(new MemoryStream(Encoding.UTF8.GetBytes(truncated)), 32));
    }
}
