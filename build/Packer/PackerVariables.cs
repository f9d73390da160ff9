namespace Pipeline.Packer;

/// <summary>The template's variables, as the pipeline sets them.</summary>
public sealed record PackerVariables
{
    public required string Region { get; init; }
    public string InstanceType { get; init; } = "t3.micro";
    public string ImageNamePrefix { get; init; } = "gitops-web";
    public required string Project { get; init; }
    public string VpcId { get; init; } = "";
    public string SubnetId { get; init; } = "";

    /// <summary>Tags only: they differ on every commit but do not change what is in the image.</summary>
    public string GitCommit { get; init; } = "unknown";

    public string InputsHash { get; init; } = "unknown";
    public string ManifestPath { get; init; } = "packer-manifest.json";

    /// <summary>
    /// The values that decide the image's content and identity, for the inputs hash. Not the environment: one image
    /// is baked per commit and promoted through every environment.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> ImageDefining() =>
    [
        new("region", Region),
        new("instance_type", InstanceType),
        new("image_name_prefix", ImageNamePrefix),
        new("project", Project),
        new("vpc_id", VpcId),
        new("subnet_id", SubnetId),
    ];

    public IEnumerable<KeyValuePair<string, string>> All() => ImageDefining().Concat(
    [
        new("git_commit", GitCommit),
        new("inputs_hash", InputsHash),
        new("manifest_path", ManifestPath),
    ]);

    public IEnumerable<string> ToArguments() => All().SelectMany(v => new[] { "-var", $"{v.Key}={v.Value}" });
}
