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
public sealed partial record PlanMetadata(
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
            var meta = JsonSerializer.Deserialize<PlanMetadata>(File.ReadAllText(path), Options) ?? throw new JsonException("null");
            // Its hashes, commit and environment name the plan store's objects: a workspace file is input like any other.
            if (!Sha256().IsMatch(meta.PlanSha256 ?? "") || meta.PlanJsonSha256 is { } json && !Sha256().IsMatch(json))
                throw new JsonException("plan_sha256 and plan_json_sha256 must be 64 lower-case hex digits");
            if (!Name().IsMatch(meta.Commit ?? "") || !Name().IsMatch(meta.Environment ?? ""))
                throw new JsonException("commit and environment must be 1 to 64 letters, digits, '.', '_' or '-'");
            return meta;
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

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial System.Text.RegularExpressions.Regex Sha256();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex Name();
}
