using System.Text.Json;
using BuildEngine;
using System.Text.Json.Serialization;

namespace Pipeline.Packer;

/// <summary>How a run chose the image it deploys.</summary>
public static class ImageOrigins
{
    public const string Built = "built";
    public const string Reused = "reused";
    public const string Rollback = "rollback";
}

/// <summary>
/// <c>image/ami.json</c>: the image the environments' plans deploy, handed to later targets and jobs — the AMI,
/// where it is, which inputs made it, and how this run chose it: <c>built</c> or <c>reused</c> by PackerBuild, or
/// <c>rollback</c> (an earlier verified image, chosen by Rollback; never baked; <c>SourceCommit</c> is the commit it was
/// verified with).
/// </summary>
public sealed record ImageRecord(
    string ImageId,
    string Region,
    string InputsHash,
    string Commit,
    bool Built,
    string Origin,
    DateTimeOffset RecordedAt,
    string? SourceCommit = null)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");

    public static ImageRecord Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Image record {path} does not exist; PackerBuild writes it (run it first, or attach its workspace).");
        try
        {
            return JsonSerializer.Deserialize<ImageRecord>(File.ReadAllText(path), Options)
                   ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Image record {path} is not valid ({e.Message}); expected the JSON PackerBuild writes.");
        }
    }
}
