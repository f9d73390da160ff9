using System.Text;
using System.Text.Json;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace BuildEngine.Generation;

/// <summary>
/// <c>.nuke/build.schema.json</c>: a JSON Schema of the parameters and target names, so editors complete
/// <c>.nuke/parameters*.json</c>.
/// </summary>
public static class SchemaGenerator
{
    public static string Generate(BuildGraph graph) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
        writer.WriteString("title", "Build parameters");
        writer.WriteString("type", "object");
        writer.WriteStartObject("definitions");
        writer.WriteStartObject("Target");
        writer.WriteString("type", "string");
        WriteEnum(writer, graph.Targets.Select(t => t.Name));
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("properties");
        writer.WriteStartObject("$schema");
        writer.WriteString("type", "string");
        writer.WriteEndObject();
        foreach (var parameter in graph.Parameters)
        {
            writer.WriteStartObject(parameter.Name);
            writer.WriteString("description", Describe(parameter));
            if (parameter.Type.IsArray)
            {
                writer.WriteString("type", "array");
                writer.WriteStartObject("items");
                WriteType(writer, parameter.Type.GetElementType()!);
                WriteConstraints(writer, parameter.Constraints);
                writer.WriteEndObject();
            }
            else
            {
                WriteType(writer, parameter.Type);
                WriteConstraints(writer, parameter.Constraints);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteBoolean("additionalProperties", false);
        writer.WriteEndObject();
    });

    private static string Describe(ParameterNode parameter)
    {
        var text = new StringBuilder(parameter.Description);
        text.Append($" (env: {parameter.EnvironmentVariable}");
        if (parameter.IsSecret) text.Append(", secret: prefer the environment to this file");
        text.Append(')');
        return text.ToString().Trim();
    }

    private static void WriteType(Utf8JsonWriter writer, Type type)
    {
        var single = Nullable.GetUnderlyingType(type) ?? type;
        if (single == typeof(bool))
        {
            writer.WriteString("type", "boolean");
        }
        else if (single == typeof(int) || single == typeof(long))
        {
            writer.WriteString("type", "integer");
        }
        else if (single.IsEnum)
        {
            writer.WriteString("type", "string");
            WriteEnum(writer, Enum.GetNames(single));
        }
        else
        {
            writer.WriteString("type", "string");
        }
    }

    private static void WriteConstraints(Utf8JsonWriter writer, ParameterConstraints constraints)
    {
        if (constraints.Minimum is { } minimum) writer.WriteNumber("minimum", minimum);
        if (constraints.Maximum is { } maximum) writer.WriteNumber("maximum", maximum);
        if (constraints.Pattern is { } pattern) writer.WriteString("pattern", pattern);
        if (constraints.IsUrl) writer.WriteString("format", "uri");
    }

    private static void WriteEnum(Utf8JsonWriter writer, IEnumerable<string> values)
    {
        writer.WriteStartArray("enum");
        foreach (var value in values)
            writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}
