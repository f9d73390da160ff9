using System.Buffers;
using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// A managed resource of a plan with the values it will have after apply (<c>change.after</c>), which of them are
/// known only then (<c>change.after_unknown</c>) and which are sensitive (<c>change.after_sensitive</c>). Deleted
/// resources have no <see cref="After"/>. Each value is kept as its bytes and parsed when a rule first reads it: most
/// resources never have their sensitivity looked at.
/// </summary>
public sealed class PlannedResource(string address, string type, PlanAction action, byte[]? after, byte[]? afterUnknown, byte[]? afterSensitive)
{
    private JsonElement? _after, _afterUnknown, _afterSensitive;

    public string Address => address;
    public string Type => type;
    public PlanAction Action => action;
    public JsonElement? After => _after ??= Parse(after);
    public JsonElement? AfterUnknown => _afterUnknown ??= Parse(afterUnknown);
    public JsonElement? AfterSensitive => _afterSensitive ??= Parse(afterSensitive);

    private static JsonElement? Parse(byte[]? utf8)
    {
        if (utf8 is null) return null;
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Whether the resource exists after apply: created, updated, replaced or left as it is.</summary>
    public bool WillExist => Action is PlanAction.Create or PlanAction.Update or PlanAction.Replace or PlanAction.NoOp;

    /// <summary>The top-level attribute after apply, or null when it is absent, null or unknown until apply.</summary>
    public JsonElement? Attribute(string name) =>
        After is { ValueKind: JsonValueKind.Object } after && after.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>Whether Terraform knows the attribute only after apply (<c>after_unknown.&lt;name&gt;</c> is true).</summary>
    public bool IsUnknown(string name) =>
        AfterUnknown is { ValueKind: JsonValueKind.Object } unknown && unknown.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>Whether the plan marks the attribute sensitive: its value is never to be shown.</summary>
    public bool IsSensitive(string name) =>
        AfterSensitive is { ValueKind: JsonValueKind.True }
        || AfterSensitive is { ValueKind: JsonValueKind.Object } sensitive && sensitive.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.False;

    /// <summary>The attribute's text for a message: "(sensitive)" when the plan marks it so.</summary>
    public string Shown(string name, string value) => IsSensitive(name) ? "(sensitive)" : value;

    /// <summary>Whether the provider's schema has the attribute (the plan lists every attribute, known or not).</summary>
    public bool HasAttribute(string name) =>
        After is { ValueKind: JsonValueKind.Object } after && after.TryGetProperty(name, out _)
        || AfterUnknown is { ValueKind: JsonValueKind.Object } unknown && unknown.TryGetProperty(name, out _);
}

/// <summary>Which resources a reader of a plan wants with their values, and what to do with each one.</summary>
public sealed record PlannedResourceSink(Func<string, bool> Watches, Action<PlannedResource> OnResource);

/// <summary>Re-writes the tokens of one JSON value as they stream past (across buffer refills), then parses it.</summary>
internal sealed class JsonValueCapture
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _writer;
    private int _depth;

    public JsonValueCapture() => _writer = new Utf8JsonWriter(_buffer);

    public bool Complete { get; private set; }

    public void Write(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject: _writer.WriteStartObject(); _depth++; break;
            case JsonTokenType.StartArray: _writer.WriteStartArray(); _depth++; break;
            case JsonTokenType.EndObject: _writer.WriteEndObject(); _depth--; break;
            case JsonTokenType.EndArray: _writer.WriteEndArray(); _depth--; break;
            case JsonTokenType.PropertyName: _writer.WritePropertyName(reader.GetString()!); return;
            case JsonTokenType.String: _writer.WriteStringValue(reader.GetString()); break;
            case JsonTokenType.Number:
                _writer.WriteRawValue(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True: _writer.WriteBooleanValue(true); break;
            case JsonTokenType.False: _writer.WriteBooleanValue(false); break;
            case JsonTokenType.Null: _writer.WriteNullValue(); break;
        }
        Complete = _depth == 0;
    }

    public byte[] Finish()
    {
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }
}
