using System.Text;
using Pipeline.Terraform;

namespace Tests.Terraform;

public sealed class PlanReaderTests
{
    private static string Fixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", name);

    // Expected counts were read independently with jq:
    //   jq '[.resource_changes[]?.change.actions | join(",")] | group_by(.) | map({(.[0]): length}) | add'
    //   jq '[.resource_drift // [] | .[] | select(.change.before != .change.after)] | length', less read-back noise:
    //   snyk's one entry is tags null -> {}; of tfcompliance's 15 entries, 9 have identical states (Terraform 1.0.0
    //   listed them) and the 6 deleted outside Terraform are drift.
    [Theory]
    [InlineData("snyk_plan.json", "1.1", 1, 1, 1, 0, 0, 1, 0)]
    [InlineData("tfcompliance-issue522_plan.out.json", "0.1", 5, 1, 2, 0, 0, 7, 6)]
    [InlineData("checkov-deleted_tfplan.json", "1.1", 0, 0, 0, 1, 0, 0, 0)]
    [InlineData("ovsds-sensitive_terraform.tfplan.json", "1.2", 0, 0, 0, 1, 0, 0, 0)]
    [InlineData("infracost_terraform_v0.14_plan.json", "0.1", 12, 1, 0, 0, 0, 13, 0)]
    [InlineData("checkov-providers_tfplan.json", "1.2", 0, 0, 0, 0, 0, 0, 0)]
    public void Counts_match_the_plans(string file, string format, int create, int update, int delete, int replace, int read, int noOp, int drift)
    {
        foreach (var bufferSize in new[] { 1 << 20, 64 })
        {
            using var stream = File.OpenRead(Fixture(file));
            var summary = PlanReader.Read(stream, file, bufferSize);

            Assert.Equal(format, summary.FormatVersion);
            Assert.Equal([create, update, delete, replace, read, noOp, drift],
                [summary.Count(PlanAction.Create), summary.Count(PlanAction.Update), summary.Count(PlanAction.Delete),
                 summary.Count(PlanAction.Replace), summary.Count(PlanAction.Read), summary.Count(PlanAction.NoOp), summary.Drift.Count]);
        }
    }

    [Fact]
    public void Addresses_are_listed_under_their_action_and_drift_without_address_is_rebuilt()
    {
        var summary = PlanReader.Read(Fixture("tfcompliance-issue522_plan.out.json"));

        Assert.Contains("aws_cloudwatch_event_rule.Metricos_custom_alert_schedule_frequent[0]", summary[PlanAction.Delete]);
        Assert.Contains("aws_lambda_function.lambda", summary[PlanAction.Create]);
        Assert.Contains("aws_lambda_function.lambda", summary.Drift);
        Assert.Contains("aws_security_group.lambda_sg: deleted outside Terraform", summary.DriftDetails.Select(d => d.ToString()));
        Assert.DoesNotContain("aws_cloudwatch_event_rule.metrics_schedule", summary.Drift);
        Assert.Equal([new OutputChange("lambda_function_arn", "update"), new OutputChange("lambda_function_name", "no-op")], summary.Outputs);
        Assert.True(summary.Destroys);
    }

    [Fact]
    public void Replacements_count_in_both_orders_and_are_destroys()
    {
        var createFirst = PlanReader.Read(Fixture("checkov-deleted_tfplan.json"));
        var deleteFirst = PlanReader.Read(Fixture("ovsds-sensitive_terraform.tfplan.json"));

        Assert.Equal(1, createFirst.Count(PlanAction.Replace));
        Assert.Equal(["random_bytes.test"], deleteFirst[PlanAction.Replace]);
        Assert.True(deleteFirst.Destroys);
        Assert.Equal("0 to add, 0 to change, 0 to destroy, 1 to replace", deleteFirst.OneLine);
    }

    [Fact]
    public void A_plan_without_resource_changes_has_no_changes()
    {
        var summary = PlanReader.Read(Fixture("checkov-providers_tfplan.json"));

        Assert.False(summary.HasChanges);
        Assert.Equal("no changes", summary.OneLine);
    }

    [Fact]
    public void UTF16_with_a_byte_order_mark_reads_like_UTF8()
    {
        var text = File.ReadAllText(Fixture("snyk_plan.json"));
        foreach (var encoding in new Encoding[] { Encoding.Unicode, Encoding.BigEndianUnicode, new UTF8Encoding(true) })
        {
            using var stream = new MemoryStream([.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);
            var summary = PlanReader.Read(stream, "utf16.json", 128);
            Assert.Equal(1, summary.Count(PlanAction.Delete));
            Assert.Empty(summary.Drift);
            Assert.Equal(["aws_s3_bucket.noop_bucket: tags (absent and empty are the same)"], summary.DriftIgnored);
        }
    }

    [Theory]
    [InlineData("", "is not a Terraform plan: the file is empty")]
    [InlineData("[1,2]", "is not a Terraform plan: the JSON is an array")]
    [InlineData("\"text\"", "is not a Terraform plan: the JSON is a String")]
    [InlineData("{\"format_version\":\"1.0\",\"values\":{\"root_module\":{}}}", "it has neither planned_values nor resource_changes (is it a state file?)")]
    [InlineData("{\"terraform_version\":\"1.5.0\"}", "it has no format_version")]
    [InlineData("{\"format_version\":\"2.0\",\"resource_changes\":[]}", "has plan format_version 2.0; expected 0.x or 1.x.")]
    [InlineData("{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\",\"change\":{\"actions\":[\"explode\"]}}]}", "resource change a.b has actions [explode]")]
    [InlineData("{\"format_version\":\"1.2\",\"resource_changes\":[", "is not valid JSON")]
    [InlineData("{\"format_version\":\"1.2\" \"x\"}", "is not valid JSON")]
    public void Anything_that_is_not_a_plan_is_one_clear_error(string content, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));

        var error = Assert.Throws<PlanParseException>(() => PlanReader.Read(stream, "input.json", 16));

        Assert.Contains(expected, error.Message);
        Assert.StartsWith("input.json", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Summaries_render_as_json_markdown_and_text()
    {
        var summary = PlanReader.Read(Fixture("snyk_plan.json"));

        var json = PlanSummaryFormats.ToJson(summary);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("create").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("no_op").GetInt32());
        Assert.Equal(0, document.RootElement.GetProperty("replace").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("addresses").GetProperty("delete").GetArrayLength());

        var markdown = PlanSummaryFormats.ToMarkdown(summary);
        Assert.StartsWith("> [!WARNING]", markdown);
        Assert.True(markdown.IndexOf("**Delete**", StringComparison.Ordinal) < markdown.IndexOf("**Create**", StringComparison.Ordinal));
        Assert.Contains("| 1 | 1 | 1 | 0 | 0 | 1 |", markdown);
        Assert.Contains("!! Delete (1):", PlanSummaryFormats.ToText(summary));
    }

    [Theory]
    [InlineData("infracost_terraform_v0.14_plan.json")]
    [InlineData("tfcompliance-issue522_plan.out.json")]
    [InlineData("snyk_plan.json")]
    public void A_sink_gets_each_watched_resource_with_its_after_values_whatever_the_buffer(string file)
    {
        // What the values are, read whole with JsonDocument for comparison.
        using var whole = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Fixture(file)));
        var expected = whole.RootElement.GetProperty("resource_changes").EnumerateArray()
            .Where(c => c.GetProperty("mode").GetString() == "managed" && c.GetProperty("type").GetString()!.StartsWith("aws_", StringComparison.Ordinal))
            .Select(c => $"{c.GetProperty("address").GetString()} {Normal(c.GetProperty("change").GetProperty("after"))} {Normal(c.GetProperty("change").GetProperty("after_unknown"))}"
                + $" {(c.GetProperty("change").TryGetProperty("after_sensitive", out var s) ? Normal(s) : "null")}")
            .ToList();
        foreach (var bufferSize in new[] { 1 << 20, 64, 7 })
        {
            var seen = new List<string>();
            using var stream = File.OpenRead(Fixture(file));
            PlanReader.Read(stream, file, bufferSize, new PlannedResourceSink(t => t.StartsWith("aws_", StringComparison.Ordinal),
                r => seen.Add($"{r.Address} {(r.After is { } a ? Normal(a) : "null")} {(r.AfterUnknown is { } u ? Normal(u) : "null")} {(r.AfterSensitive is { } s ? Normal(s) : "null")}")));

            Assert.Equal(expected, seen);
        }
    }

    private static string Normal(System.Text.Json.JsonElement element) => System.Text.Json.JsonSerializer.Serialize(element);
}
