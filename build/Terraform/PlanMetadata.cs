using System.Security.Cryptography;
using System.Text.Json;
using BuildEngine;

namespace Pipeline.Terraform;

/// <summary>
/// <c>plan.meta.json</c>: the plan's SHA-256, the commit and environment it was made for, what it would destroy,
/// the AMI it deploys (null: the environment's verified image) and whether it tears the environment down.
/// TerraformApply checks all of it before it touches anything. With a plan store, it is all a workspace carries of
/// the plan: the plan and its JSON are fetched from the store by these hashes.
/// </summary>
public sealed record PlanMetadata(
    string PlanSha256,
    string Commit,
    string Environment,
    bool HasChanges,
    IReadOnlyList<string> Destroys,
    string Summary,
    string TerraformVersion,
    DateTimeOffset CreatedAt,
    string? ImageId = null,
    bool Destroy = false,
    string? PlanJsonSha256 = null)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options) + "\n");

    public static PlanMetadata Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Plan record {path} does not exist; run TerraformPlan first (or attach its workspace).");
        try
        {
            return JsonSerializer.Deserialize<PlanMetadata>(File.ReadAllText(path), Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Plan record {path} is not valid ({e.Message}).");
        }
    }

    public static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
