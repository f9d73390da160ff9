using BuildEngine.Parameters;
using Pipeline.Aws;
using Pipeline.Packer;
using Pipeline.Terraform;
using Pipeline.Verification;

namespace Pipeline;

/// <summary>
/// Promotion: an environment is verified by SmokeTest, and only then does its SSM parameter name the image; that
/// parameter's history is the ledger Rollback goes back through. TerraformDestroy plans a teardown for review.
/// </summary>
partial class Build
{
    [Parameter("SmokeTest: the site to check (default: Terraform's url output), e.g. for a host configured directly"), Url] readonly string? SmokeTestUrl;
    [Parameter("SmokeTest: how long the site may take to serve the commit"), Range(1, 86_400)] readonly int SmokeTestTimeoutSeconds = 300;
    [Parameter("SmokeTest: interval between attempts in milliseconds"), Range(1, 600_000)] readonly int SmokeTestPollMs = 5000;
    [Parameter("Rollback: this AMI (it must be in the environment's verified history) instead of the previous one"), AmiId] readonly string? RollbackTo;
    [Parameter("TerraformDestroy: the name of the environment being destroyed, as confirmation"), EnvironmentName] readonly string? ConfirmDestroy;
    [Parameter("The environment applies only after a person approves its plan (read from its profile by the CircleCI generator)")] readonly bool RequireApproval = true;

    /// <summary>This run's image record was written by Rollback for this commit: nothing is baked.</summary>
    bool RollbackChoseTheImage =>
        File.Exists(ImageRecordFile) && ImageRecord.Load(ImageRecordFile) is { Origin: ImageOrigins.Rollback } record && record.Commit == (Ci.Commit ?? "unknown");

    async Task SmokeTestAsync(CancellationToken cancellationToken)
    {
        var outputs = OutputsFile.FileExists() ? TerraformOutputs.Load(OutputsFile) : null;
        var site = SmokeTestUrl ?? outputs?["url"]?.AsString
            ?? throw new InvalidOperationException($"No address to smoke-test: {OutputsFile} has no 'url' output; run TerraformApply first or pass --smoke-test-url.");
        if (!Uri.TryCreate(site, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"Smoke test address '{site}' is not valid; expected an http(s) URL such as http://203.0.113.10/.");
        var commit = Ci.Commit ?? throw new InvalidOperationException("SmokeTest needs the commit being deployed: run it in a git checkout or with CIRCLE_SHA1 set.");
        var image = outputs?["ami_id"]?.AsString;
        if (image is not null)
            AwsSettings.ResolveCredentials(); // before waiting on the site: recording the verified image needs AWS

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await new SmokeTester(http, Output.Info, TimeSpan.FromMilliseconds(SmokeTestPollMs))
            .VerifyAsync(uri, commit, TimeSpan.FromSeconds(SmokeTestTimeoutSeconds), cancellationToken);
        if (image is null)
        {
            Output.Warning($"No ami_id in {OutputsFile}: the site serves {commit}, but no image is recorded as verified.");
            Summaries.Set(nameof(SmokeTest), $"serves {commit}; no image recorded");
            return;
        }
        await RecordVerifiedImageAsync(image, commit, cancellationToken);
        Summaries.Set(nameof(SmokeTest), $"serves {commit}; {image} verified in {DeployEnvironment}");
    }

    /// <summary>The environment's SSM parameter names the image only now: verified and live here.</summary>
    async Task RecordVerifiedImageAsync(string imageId, string commit, CancellationToken cancellationToken)
    {
        var planSha = PlanMetadataFile.FileExists() ? PlanMetadata.Load(PlanMetadataFile).PlanSha256 : "unknown";
        var description = $"Verified by SmokeTest: commit {commit}, plan sha256 {planSha}, at {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}";
        using var ssm = AwsSettings.CreateSsmClient();
        await new ImageParameterStore(ssm, AwsRetries).PublishAsync(ImageParameter, imageId, description,
            TimeSpan.FromSeconds(ImageParameterConfirmTimeoutSeconds), cancellationToken);
        Output.Success($"{imageId} is verified and live in {DeployEnvironment}: {ImageParameter} names it (read back and confirmed).");
    }

    /// <summary>An environment torn down has no verified image: its parameter goes, after the destroy was applied.</summary>
    async Task ForgetVerifiedImageAsync(CancellationToken cancellationToken)
    {
        using var ssm = AwsSettings.CreateSsmClient();
        await new ImageParameterStore(ssm, AwsRetries).DeleteAsync(ImageParameter, cancellationToken);
        Output.Info($"{DeployEnvironment} is torn down: {ImageParameter} removed.");
    }

    async Task ChooseRollbackImageAsync(CancellationToken cancellationToken)
    {
        var aws = AwsSettings;
        aws.ResolveCredentials();
        using var ssm = aws.CreateSsmClient();
        var history = await new ImageParameterStore(ssm, AwsRetries).HistoryAsync(ImageParameter, cancellationToken);
        var current = history.FirstOrDefault()
            ?? throw new InvalidOperationException($"Rollback refused: {ImageParameter} does not exist; {DeployEnvironment} has no verified image to go back to; nothing planned.");
        var target = RollbackTo is not null
            ? history.FirstOrDefault(v => v.ImageId == RollbackTo)
              ?? throw new InvalidOperationException($"Rollback refused: {RollbackTo} was never verified in {DeployEnvironment} ({ImageParameter} history: {string.Join(", ", history.Select(v => v.ImageId).Distinct().Take(10))}); nothing planned.")
            : VerifiedImage.RollbackCandidate(history)
              ?? throw new InvalidOperationException($"Rollback refused: {ImageParameter} has no verified image before {current.ImageId}; nothing planned.");

        new ImageRecord(target.ImageId, aws.Region!, InputsHash: "", Ci.Commit ?? "unknown", Built: false, ImageOrigins.Rollback, DateTimeOffset.UtcNow, target.Commit)
            .Save(ImageRecordFile);
        Output.Info($"Rolling {DeployEnvironment} back from {current.ImageId} (version {current.Version}) to {target.ImageId} (version {target.Version}: {target.Description}).");
        Summaries.Set(nameof(Rollback), $"{current.ImageId} -> {target.ImageId} (verified version {target.Version})");
    }

    async Task PlanTeardownAsync(CancellationToken cancellationToken)
    {
        if (ConfirmDestroy != DeployEnvironment)
            throw new InvalidOperationException($"TerraformDestroy refused: --confirm-destroy '{ConfirmDestroy}' does not name the environment being destroyed ('{DeployEnvironment}'); nothing planned.");
        Output.Warning($"!!! Planning the destruction of everything in {DeployEnvironment}; TerraformApply applies exactly this plan after review. !!!");
        await MakeReviewedPlanAsync(destroy: true, cancellationToken);
    }
}
