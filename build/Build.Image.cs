using BuildEngine.Parameters;
using Pipeline.Aws;
using Pipeline.Packer;

namespace Pipeline;

/// <summary>The image steps: validate the template, bake (or reuse) the AMI, hand it over, prune old ones.</summary>
partial class Build
{
    [Parameter("Packer executable")] readonly string PackerExecutable = "packer";
    [Parameter("Instance type of Packer's temporary build instance"), InstanceType] readonly string PackerInstanceType = "t3.micro";
    [Parameter("Prefix of the AMI name"), ImageName] readonly string ImageNamePrefix = "gitops-web";
    [Parameter("VPC for the Packer build instance (default VPC when empty)"), VpcId] readonly string? VpcId;
    [Parameter("Subnet for the Packer build instance"), SubnetId] readonly string? SubnetId;
    [Parameter("PruneImages keeps this many newest images, and every image among the newest this many versions of any environment's SSM parameter (rollback targets)"), Range(1, 1_000)] readonly int KeepImages = 3;
    [Parameter("PruneImages only lists what it would remove")] readonly bool PrunePreview;
    [Parameter("How long SmokeTest reads the SSM parameter back until it holds the verified AMI"), Range(1, 3_600)] readonly int ImageParameterConfirmTimeoutSeconds = 120;

    /// <summary>First wait for a snapshot EC2 still calls in use after its image was deregistered (doubling).</summary>
    TimeSpan SnapshotRetryDelay => TimeSpan.FromMilliseconds(AwsRetryBaseDelayMs * 4);

    PackerTemplate Template => new(RootDirectory / "packer");
    string ImageRecordFile => TemporaryDirectory / "image" / "ami.json";
    string ImageParameter => ImageParameterStore.ParameterName(ProjectName, DeployEnvironment);

    PackerCli Packer(IReadOnlyDictionary<string, string?>? environment = null) =>
        new(Tools, Output, PackerCommand, environment ?? new Dictionary<string, string?>());

    PackerVariables ImageVariables(string region) => new()
    {
        Region = region,
        InstanceType = PackerInstanceType,
        ImageNamePrefix = ImageNamePrefix,
        Project = ProjectName,
        VpcId = VpcId ?? "",
        SubnetId = SubnetId ?? "",
        GitCommit = Ci.Commit ?? "unknown",
        ManifestPath = TemporaryDirectory / "image" / "packer-manifest.json",
    };

    async Task ValidateTemplateAsync(CancellationToken cancellationToken)
    {
        RequireTool(PackerCommand, "PackerValidate");
        var packer = Packer();
        var version = await packer.VersionAsync(cancellationToken);
        Output.Info(version.HasPluginManagement
            ? $"Packer {version}: plugin management available; running packer init."
            : $"Packer {version} predates plugin management (1.7): validating without {PackerTemplate.PluginRequirementsFile}.");
        await packer.FormatCheckAsync(Template.Directory, cancellationToken);
        var directory = Template.Stage(TemporaryDirectory / "packer" / "template", version);
        if (version.HasPluginManagement)
            await packer.InitAsync(directory, cancellationToken);
        // Validation is offline: a placeholder region when none is configured.
        await packer.ValidateAsync(directory, ImageVariables(AwsRegion ?? "us-east-1"), cancellationToken);
        Summaries.Set(nameof(PackerValidate), $"template valid (Packer {version})");
    }

    async Task BakeImageAsync(CancellationToken cancellationToken)
    {
        var aws = AwsSettings;
        aws.ResolveCredentials();
        var resilience = AwsRetries;
        using var ec2 = aws.CreateEc2Client();
        var registry = new ImageRegistry(ec2, resilience, SnapshotRetryDelay);

        var variables = ImageVariables(aws.Region!);
        var inputsHash = Template.InputsHash(variables.ImageDefining());
        variables = variables with { InputsHash = inputsHash };
        Output.Info($"Image inputs hash: {inputsHash}");

        var existing = await registry.FindByInputsHashAsync(ProjectName, inputsHash, cancellationToken);
        string imageId;
        if (existing is not null)
        {
            imageId = existing.ImageId;
            Output.Success($"Build skipped: {imageId} ({existing.Name}) was baked from the same inputs; reusing it.");
        }
        else
        {
            imageId = await RunPackerBuildAsync(variables, aws, cancellationToken);
        }

        // No environment's SSM parameter changes here: each one names its image only once SmokeTest verified it there.
        new ImageRecord(imageId, aws.Region!, inputsHash, variables.GitCommit, Built: existing is null, existing is null ? ImageOrigins.Built : ImageOrigins.Reused, DateTimeOffset.UtcNow)
            .Save(ImageRecordFile);
        Output.Info($"Image for this commit: {imageId} ({ImageRecordFile}); each environment's plan deploys it.");
        Summaries.Set(nameof(PackerBuild), existing is null
            ? $"built {imageId} (inputs {inputsHash[..12]})"
            : $"build skipped: inputs {inputsHash[..12]} unchanged, reused {imageId}");
    }

    async Task<string> RunPackerBuildAsync(PackerVariables variables, AwsSettings aws, CancellationToken cancellationToken)
    {
        var packer = Packer(aws.ToEnvironment());
        var version = await packer.VersionAsync(cancellationToken);
        var directory = Template.Stage(TemporaryDirectory / "packer" / "template", version);
        if (version.HasPluginManagement)
            await packer.InitAsync(directory, cancellationToken);

        var reported = await packer.BuildAsync(directory, variables, cancellationToken);
        var manifestImages = PackerManifest.Load(variables.ManifestPath).LastRunImages(variables.ManifestPath);
        var image = manifestImages.FirstOrDefault(i => i.Region == variables.Region)
            ?? throw new PackerOutputException($"Packer manifest {variables.ManifestPath}: no AMI in region {variables.Region} (found {string.Join(", ", manifestImages)}).");
        var logged = reported.ArtifactImages.FirstOrDefault(i => i.Region == variables.Region);
        if (logged is null)
            Output.Warning("packer printed no artifact id line; trusting the manifest alone.");
        else if (logged.ImageId != image.ImageId)
            throw new PackerOutputException($"Packer reported {logged} but the manifest says {image}; refusing to publish an AMI that is not certain.");
        Output.Success($"Baked {image.ImageId} in {image.Region}.");
        return image.ImageId;
    }

    async Task PruneImagesAsync(CancellationToken cancellationToken)
    {
        var aws = AwsSettings;
        using var ec2 = aws.CreateEc2Client();
        using var ssm = aws.CreateSsmClient();
        var registry = new ImageRegistry(ec2, AwsRetries, SnapshotRetryDelay);
        var images = await registry.ListAsync(ProjectName, cancellationToken);
        var referenced = await new ImageParameterStore(ssm, AwsRetries).ReferencedImageIdsAsync(ProjectName, KeepImages, cancellationToken);
        var decision = PruningDecision.Decide(images, KeepImages, referenced);

        foreach (var image in decision.Keep)
            Output.Info($"keep   {image.ImageId} {image.CreatedAt:yyyy-MM-dd HH:mm} {image.Name}{(referenced.Contains(image.ImageId) ? " (verified in an environment: a rollback target)" : "")}");
        foreach (var image in decision.Remove)
        {
            Output.Info($"{(PrunePreview ? "would remove" : "remove")} {image.ImageId} {image.CreatedAt:yyyy-MM-dd HH:mm} {image.Name} and snapshots {string.Join(", ", image.SnapshotIds)}");
            if (!PrunePreview)
                await registry.DeregisterAsync(image, cancellationToken);
        }
        Summaries.Set(nameof(PruneImages), PrunePreview
            ? $"preview: would remove {decision.Remove.Count}, keep {decision.Keep.Count}"
            : $"removed {decision.Remove.Count}, kept {decision.Keep.Count}");
    }
}
