using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.Terraform;

namespace Tests.Terraform;

/// <summary>
/// The summary's JSON, written by hand for speed, is the JSON System.Text.Json's Utf8JsonWriter writes (indented,
/// relaxed escaping): the writer below is the oracle, kept here only to compare with.
/// </summary>
public sealed class PlanSummaryJsonTests
{
    private static PlanSummary Summary(params string[] odd) => new()
    {
        FormatVersion = "1.2",
        TerraformVersion = null,
        Resources = new Dictionary<PlanAction, IReadOnlyList<string>>
        {
            [PlanAction.Create] = ["aws_instance.web[0]", "module.m[\"k\"].aws_s3_bucket.b", .. odd],
            [PlanAction.Replace] = ["aws_db_instance.main"],
        },
        Outputs = [new OutputChange("url", "create"), new OutputChange("tab\tname", "no-op")],
        Drift = ["aws_security_group.web"],
        DriftDetails = [new DriftedResource("aws_security_group.web", ["ingress: added 0.0.0.0/0:22", "tags.Owner: \"a\" → \"b\""])],
    };

    private static string Oracle(PlanSummary summary)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("format_version", summary.FormatVersion);
            writer.WriteString("terraform_version", summary.TerraformVersion);
            writer.WriteBoolean("has_changes", summary.HasChanges);
            writer.WriteBoolean("destroys", summary.Destroys);
            foreach (var action in Enum.GetValues<PlanAction>())
                writer.WriteNumber(action == PlanAction.NoOp ? "no_op" : PlanSummary.Label(action), summary.Count(action));
            writer.WriteStartObject("addresses");
            foreach (var action in Enum.GetValues<PlanAction>())
            {
                writer.WriteStartArray(action == PlanAction.NoOp ? "no_op" : PlanSummary.Label(action));
                foreach (var address in summary[action]) writer.WriteStringValue(address);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteStartObject("outputs");
            foreach (var output in summary.Outputs) writer.WriteString(output.Name, output.Action);
            writer.WriteEndObject();
            writer.WriteStartArray("drift");
            foreach (var address in summary.Drift) writer.WriteStringValue(address);
            writer.WriteEndArray();
            writer.WriteStartObject("drift_changes");
            foreach (var drifted in summary.DriftDetails)
            {
                writer.WriteStartArray(drifted.Address);
                foreach (var change in drifted.Changes) writer.WriteStringValue(change);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    [Fact]
    public void The_hand_written_JSON_is_the_writers_byte_for_byte()
    {
        var summary = Summary("back\\slash", "new\nline", "bell\u0007", "café ✓ 日本");
        Assert.Equal(Oracle(summary), PlanSummaryFormats.ToJson(summary));
        var empty = new PlanSummary { FormatVersion = "1.0", TerraformVersion = "1.9.8", Resources = new Dictionary<PlanAction, IReadOnlyList<string>>(), Outputs = [], Drift = [] };
        Assert.Equal(Oracle(empty), PlanSummaryFormats.ToJson(empty));
        // The writer walks PlanSummary.Actions; the oracle walks the enum itself.
        Assert.Equal(Enum.GetValues<PlanAction>(), PlanSummary.Actions);
    }

    [Fact]
    public void Saved_as_json_it_is_the_same_text_and_parses()
    {
        using var root = new Tests.Engine.TempRoot();
        var path = root.Path / "summary.json";
        var summary = Summary();
        PlanSummaryFormats.Save(summary, path);
        Assert.Equal(PlanSummaryFormats.ToJson(summary), File.ReadAllText(path));
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("module.m[\"k\"].aws_s3_bucket.b", document.RootElement.GetProperty("addresses").GetProperty("create")[1].GetString());
        Assert.False(File.Exists(path + ".tmp"));
    }
}
