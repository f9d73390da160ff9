using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// Terraform's lock record (its statemgr.LockInfo) as the S3 backend stores it, in the <c>.tflock</c> object and in
/// the DynamoDB item's <c>Info</c>: who took the state's lock, for what, when.
/// </summary>
public sealed record StateLockInfo(string Id, string Operation, string Who, string Version, DateTimeOffset Created, string Path, string Where)
{
    public TimeSpan AgeAt(DateTimeOffset now) => now - Created;

    /// <summary>The record, or null when <paramref name="json"/> is not one (the backend then holds something else).</summary>
    public static StateLockInfo? Parse(string json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (Text("ID") is not { Length: > 0 } id)
                return null;
            var created = DateTimeOffset.TryParse(Text("Created"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;
            return new StateLockInfo(id, Text("Operation"), Text("Who"), Text("Version"), created, Text("Path"), where);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"OperationTypeApply" → "apply".</summary>
    public string OperationName => Operation.StartsWith("OperationType", StringComparison.Ordinal) ? Operation["OperationType".Length..].ToLowerInvariant() : Operation;

    public static string Age(TimeSpan age) =>
        age.TotalDays >= 1 ? $"{(int)age.TotalDays} d {age.Hours} h"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
        : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min"
        : $"{Math.Max(0, (int)age.TotalSeconds)} s";
}
