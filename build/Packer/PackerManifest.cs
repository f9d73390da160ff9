using System.Text.Json;

namespace Pipeline.Packer;

/// <summary>An AMI in one region, as Packer reports it (<c>eu-west-1:ami-0abc…</c>).</summary>
public sealed record RegionalImage(string Region, string ImageId)
{
    public override string ToString() => $"{Region}:{ImageId}";
}

/// <summary>One build entry of a manifest.</summary>
public sealed record ManifestBuild(string Name, string BuilderType, string ArtifactId, string RunUuid);

/// <summary>A manifest or log that is not what Packer writes.</summary>
public sealed class PackerOutputException(string message) : Exception(message);

/// <summary>
/// The manifest post-processor's file. Runs append to it, so only the builds of the last run
/// (<c>packer_run_uuid == last_run_uuid</c>) describe what was just built.
/// </summary>
public sealed record PackerManifest(IReadOnlyList<ManifestBuild> Builds, string LastRunUuid)
{
    public IEnumerable<ManifestBuild> LastRun => Builds.Where(b => b.RunUuid == LastRunUuid);

    /// <summary>The AMIs of the last run; an artifact id may hold several comma-separated <c>region:ami</c> pairs.</summary>
    public IReadOnlyList<RegionalImage> LastRunImages(string source)
    {
        var lastRun = LastRun.ToList();
        if (lastRun.Count == 0)
            throw new PackerOutputException($"Packer manifest {source}: no build belongs to the last run {LastRunUuid}; expected at least one.");
        var images = lastRun.SelectMany(b => ParseArtifactId(b.ArtifactId)).ToList();
        if (images.Count == 0)
            throw new PackerOutputException($"Packer manifest {source}: the last run built no AMI (artifact ids: {string.Join(", ", lastRun.Select(b => b.ArtifactId))}); expected region:ami-… pairs.");
        return images;
    }

    public static IEnumerable<RegionalImage> ParseArtifactId(string artifactId)
    {
        foreach (var pair in artifactId.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf(':');
            if (separator > 0 && pair[(separator + 1)..].StartsWith("ami-", StringComparison.Ordinal))
                yield return new RegionalImage(pair[..separator], pair[(separator + 1)..]);
        }
    }

    public static PackerManifest Load(string path)
    {
        if (!File.Exists(path))
            throw new PackerOutputException($"Packer manifest {path} does not exist; expected the manifest post-processor to write it.");
        var text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text))
            throw new PackerOutputException($"Packer manifest {path} is empty; expected a JSON object with builds and last_run_uuid.");
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("builds", out var builds) || builds.ValueKind != JsonValueKind.Array)
                throw new PackerOutputException($"Packer manifest {path}: expected a JSON object with a \"builds\" array.");
            var lastRun = root.TryGetProperty("last_run_uuid", out var uuid) ? uuid.GetString() ?? "" : "";
            var entries = builds.EnumerateArray().Select(b => new ManifestBuild(
                String(b, "name"), String(b, "builder_type"), String(b, "artifact_id"), String(b, "packer_run_uuid"))).ToList();
            return new PackerManifest(entries, lastRun);
        }
        catch (JsonException e)
        {
            throw new PackerOutputException($"Packer manifest {path} is not valid JSON (line {e.LineNumber + 1}); expected the manifest post-processor's output.");
        }
    }

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
