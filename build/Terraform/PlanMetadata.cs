using System.Security.Cryptography;
using System.Text.Json;
using BuildEngine;

namespace Pipeline.Terraform;

/// <summary>
/// <c>plan.meta.json</c>: the plan's SHA-256, the commit and environment it was made for, and what it would destroy.
/// TerraformApply checks all of it before it touches anything.
/// </summary>
public sealed record PlanMetadata(
    string PlanSha256,
    string Commit,
    string Environment,
    bool HasChanges,
    IReadOnlyList<string> Destroys,
    string Summary,
    string TerraformVersion,
    DateTimeOffset CreatedAt)
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
