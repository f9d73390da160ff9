using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BuildEngine;

namespace Pipeline.Terraform;

/// <summary>One output of <c>terraform output -json</c>.</summary>
public sealed record TerraformOutput(string Name, bool Sensitive, JsonElement Type, JsonElement Value)
{
    /// <summary>A string output's value, or null for other types.</summary>
    public string? AsString => Value.ValueKind == JsonValueKind.String ? Value.GetString() : null;

    /// <summary>Every string inside the value (a list or object holds several), for masking.</summary>
    public IEnumerable<string> Strings() => StringsIn(Value);

    private static IEnumerable<string> StringsIn(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => [element.GetRawText()],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringsIn).ToList(),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => StringsIn(p.Value)).ToList(),
        _ => [],
    };
}

/// <summary>
/// <c>terraform output -json</c>. Terraform prints sensitive values in clear there, so the file this writes
/// keeps their names and types and replaces their values with null.
/// </summary>
public sealed class TerraformOutputs(IReadOnlyList<TerraformOutput> outputs)
{
    public IReadOnlyList<TerraformOutput> All => outputs;

    public TerraformOutput? this[string name] => outputs.FirstOrDefault(o => o.Name == name);

    public static TerraformOutputs Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new PlanParseException($"{source}: expected a JSON object of outputs, as 'terraform output -json' prints.");
            var list = new List<TerraformOutput>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Object || !property.Value.TryGetProperty("value", out var value))
                    throw new PlanParseException($"{source}: output '{property.Name}' has no value; expected {{\"sensitive\", \"type\", \"value\"}}.");
                var sensitive = property.Value.TryGetProperty("sensitive", out var flag) && flag.ValueKind == JsonValueKind.True;
                var type = property.Value.TryGetProperty("type", out var t) ? t.Clone() : default;
                list.Add(new TerraformOutput(property.Name, sensitive, type, value.Clone()));
            }
            return new TerraformOutputs(list);
        }
        catch (JsonException e)
        {
            throw new PlanParseException($"{source} is not valid JSON ({e.Message.Split(". ")[0]}); expected 'terraform output -json'.");
        }
    }

    public static TerraformOutputs Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Terraform outputs {path} do not exist; TerraformApply writes them (run it first, or attach its workspace).");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Writes the outputs with every sensitive value replaced by null.</summary>
    public void SaveRedacted(string path)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var output in outputs)
            {
                writer.WriteStartObject(output.Name);
                writer.WriteBoolean("sensitive", output.Sensitive);
                if (output.Type.ValueKind != JsonValueKind.Undefined)
                {
                    writer.WritePropertyName("type");
                    output.Type.WriteTo(writer);
                }
                writer.WritePropertyName("value");
                if (output.Sensitive) writer.WriteNullValue();
                else output.Value.WriteTo(writer);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        AtomicFile.WriteAllText(path, Encoding.UTF8.GetString(stream.ToArray()) + "\n");
    }
}
