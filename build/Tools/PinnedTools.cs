using System.Text.Json;

namespace Pipeline.Tools;

/// <summary>
/// <c>.nuke/tools.json</c>: the Packer and Terraform versions the pipeline installs on CI, each either a version
/// (<c>"packer": "1.11.2"</c>) or a version with the SHA-256 of its release zip per platform, as HashiCorp publishes
/// them (<c>"terraform": { "version": "1.11.4", "sha256": { "linux_amd64": "…" } }</c>). A pinned checksum must agree
/// with the release's SHA256SUMS and with the download: a release server that changed both is still refused.
/// </summary>
public sealed record PinnedTools(IReadOnlyDictionary<string, string> Versions, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Checksums)
{
    private const string Expected = "expected {\"packer\": \"<version>\", \"terraform\": {\"version\": \"<version>\", \"sha256\": {\"linux_amd64\": \"<sha256>\"}}}";

    /// <summary>The pinned SHA-256 of <paramref name="name"/>'s zip for <paramref name="platform"/>, if any.</summary>
    public string? ChecksumFor(string name, string platform) =>
        Checksums.TryGetValue(name, out var byPlatform) && byPlatform.TryGetValue(platform, out var sha) ? sha : null;

    public static PinnedTools Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist; {Expected}.");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException("not an object");
            var versions = new Dictionary<string, string>(StringComparer.Ordinal);
            var checksums = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (var tool in document.RootElement.EnumerateObject())
            {
                if (tool.Value.ValueKind == JsonValueKind.String)
                {
                    versions[tool.Name] = tool.Value.GetString()!;
                    continue;
                }
                versions[tool.Name] = tool.Value.GetProperty("version").GetString() ?? throw new JsonException($"{tool.Name}: no version");
                if (tool.Value.TryGetProperty("sha256", out var sums))
                    checksums[tool.Name] = sums.EnumerateObject().ToDictionary(s => s.Name, s => Sha256(tool.Name, s), StringComparer.Ordinal);
            }
            return new PinnedTools(versions, checksums);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not valid ({e.Message}); {Expected}.");
        }
    }

    private static string Sha256(string tool, JsonProperty checksum)
    {
        var value = checksum.Value.GetString() ?? "";
        if (value.Length != 64 || !value.All(char.IsAsciiHexDigitLower))
            throw new JsonException($"{tool}: the sha256 of {checksum.Name} is not 64 lower-case hex digits");
        return value;
    }
}
