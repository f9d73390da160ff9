using System.Globalization;
using System.Text.Json;

namespace Pipeline.Policies;

/// <summary>
/// One reviewed exception: a rule may be broken by one address (in one environment, or all) until the end of a day.
/// It lives in the repository, so it is reviewed like code (and CODEOWNERS can guard the file).
/// </summary>
public sealed record PolicyWaiver(string Rule, string Address, string Reason, DateOnly Expires, string? Environment)
{
    /// <summary>Valid through its expiry date (UTC), not after.</summary>
    public bool HasExpired(DateOnly today) => today > Expires;

    public bool Covers(string rule, string address, string environment) =>
        Rule == rule && Address == address && (Environment is null || Environment == environment);
}

/// <summary>Reads policy-waivers.json: <c>{"waivers": [{"rule", "address", "reason", "expires": "YYYY-MM-DD", "environment"?}]}</c>.</summary>
public static class PolicyWaivers
{
    public const string FileName = "policy-waivers.json";
    private const string Expected = "expected {\"waivers\": [{\"rule\", \"address\", \"reason\", \"expires\": \"YYYY-MM-DD\"}]}";

    public static IReadOnlyList<PolicyWaiver> Load(string path, IReadOnlyCollection<string> ruleIds)
    {
        if (!File.Exists(path))
            return [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PolicyWaiverException($"{FileName} is not valid JSON (line {e.LineNumber + 1}); {Expected}.");
        }
        using (document)
        {
            var root = document.RootElement;
            var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("waivers", out var waivers) ? waivers : root;
            if (list.ValueKind != JsonValueKind.Array)
                throw new PolicyWaiverException($"{FileName} has no list of waivers; {Expected}.");
            return [.. list.EnumerateArray().Select((w, i) => Parse(w, i + 1, ruleIds))];
        }
    }

    private static PolicyWaiver Parse(JsonElement waiver, int number, IReadOnlyCollection<string> ruleIds)
    {
        // Common spellings are accepted for each field (expiry, expires_on, …); the first is the documented one.
        string Required(params string[] names)
        {
            foreach (var name in names)
                if (waiver.ValueKind == JsonValueKind.Object && waiver.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
                    return value.GetString()!.Trim();
            throw new PolicyWaiverException($"{FileName}: waiver {number} has no '{names[0]}'; {Expected}.");
        }
        var rule = Required("rule", "policy");
        if (!ruleIds.Contains(rule))
            throw new PolicyWaiverException($"{FileName}: waiver {number} names rule '{rule}'"
                + (BuildEngine.NameSuggester.Closest(rule, ruleIds) is { } closest ? $" (did you mean '{closest}'?)" : "")
                + $"; expected one of {string.Join(", ", ruleIds)}.");
        var address = Required("address", "resource");
        var reason = Required("reason", "justification");
        var expiresText = Required("expires", "expiry", "expires_on", "expiry_date", "expiration", "expiration_date");
        if (!TryParseExpiry(expiresText, out var expires))
            throw new PolicyWaiverException($"{FileName}: waiver {number} expires '{expiresText}'; expected a date as YYYY-MM-DD.");
        string? environment = waiver.TryGetProperty("environment", out var env) && env.ValueKind == JsonValueKind.String ? env.GetString() : null;
        return new PolicyWaiver(rule, address, reason, expires, environment);
    }

    /// <summary>A date (valid through that day, UTC), or an ISO 8601 time, taken as its day in UTC.</summary>
    private static bool TryParseExpiry(string text, out DateOnly expires)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out expires))
            return true;
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            expires = DateOnly.FromDateTime(time.UtcDateTime);
            return true;
        }
        return false;
    }
}

public sealed class PolicyWaiverException(string message) : Exception(message);
