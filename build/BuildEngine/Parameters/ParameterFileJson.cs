using System.Text.Json;

namespace BuildEngine.Parameters;

/// <summary>A parameters file's entries in file order, <c>$schema</c> left out: the plain reader first, else the full one.</summary>
internal static class ParameterFileJson
{
    /// <param name="checkName">Sees each name before its value is read, and throws for a name the build does not have.</param>
    public static List<ParameterFileEntry> Read(byte[] json, string relative, Action<string> checkName)
    {
        if (PlainJsonObject.TryRead(json) is not { } plain)
            return ReadWithJsonReader(json, relative, checkName);
        plain.RemoveAll(entry => entry.Name == "$schema");
        foreach (var entry in plain) checkName(entry.Name);
        return plain;
    }

    /// <summary>
    /// With <see cref="Utf8JsonReader"/> alone (comments and trailing commas allowed): a JsonDocument's set-up costs a
    /// start more than the file does.
    /// </summary>
    internal static List<ParameterFileEntry> ReadWithJsonReader(byte[] json, string relative, Action<string> checkName)
    {
        var entries = new List<ParameterFileEntry>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new ParameterException($"Parameter file {relative}: expected a JSON object of parameter names and values.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "$schema") { reader.Skip(); continue; }
                checkName(name);
                entries.Add(new ParameterFileEntry(name, JsonValues(ref reader, relative, name)));
            }
            // Whatever follows the object (another value, a stray bracket) is refused as the reader reads it.
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            throw new ParameterException($"Parameter file {relative} is not valid JSON (line {e.LineNumber + 1}): expected an object of parameter names and values.");
        }
        return entries;
    }

    /// <summary>A value as the strings a parameter takes: arrays flattened, numbers as written, booleans as words.</summary>
    private static List<string> JsonValues(ref Utf8JsonReader reader, string file, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return [reader.GetString()!];
            case JsonTokenType.Number: return [System.Text.Encoding.UTF8.GetString(reader.ValueSpan)];
            case JsonTokenType.True: return ["true"];
            case JsonTokenType.False: return ["false"];
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.AddRange(JsonValues(ref reader, file, name));
                return items;
            default:
                var kind = reader.TokenType switch { JsonTokenType.StartObject => "Object", JsonTokenType.Null => "Null", var other => other.ToString() };
                throw new ParameterException($"Parameter '{name}' in {file}: expected a string, number, boolean or array, got {kind}.");
        }
    }
}
