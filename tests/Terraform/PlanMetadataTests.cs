using Pipeline.Terraform;

namespace Tests.Terraform;

/// <summary>plan.meta.json comes from a workspace: its hashes, commit and environment name objects in the plan store.</summary>
public sealed class PlanMetadataTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"meta-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    private static PlanMetadata Valid => new(new string('a', 64), "c0ffee1", "dev", true, [], "1 to add", "1.11.4", DateTimeOffset.UtcNow, PlanJsonSha256: new string('b', 64));

    [Fact]
    public void A_record_round_trips()
    {
        Valid.Save(_file);
        Assert.Equal(Valid with { CreatedAt = PlanMetadata.Load(_file).CreatedAt }, PlanMetadata.Load(_file) with { Destroys = Valid.Destroys });
    }

    [Theory]
    [InlineData("../../etc", "c0ffee1", "dev")]
    [InlineData("AAAA", "c0ffee1", "dev")]
    [InlineData(null, "../x", "dev")]
    [InlineData(null, "c0ffee1", "dev/../prod")]
    public void A_record_whose_hash_commit_or_environment_could_escape_its_key_is_refused(string? sha, string commit, string environment)
    {
        (Valid with { PlanSha256 = sha ?? Valid.PlanSha256, Commit = commit, Environment = environment }).Save(_file);

        var error = Assert.Throws<InvalidDataException>(() => PlanMetadata.Load(_file));
        Assert.StartsWith($"Plan record {_file} is not valid", error.Message);
    }
}
