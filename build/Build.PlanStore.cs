using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Aws;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>
/// Reviewed plans kept in S3, encrypted: they outlive CircleCI's workspace (15 days; an approval may come 90 days
/// later) and hold secrets in clear (every variable's value), so on CI they never travel in a workspace or artifact.
/// </summary>
partial class Build
{
    [Parameter("S3 bucket that keeps reviewed plans, SSE-KMS encrypted (on CI by default the environment backend's state bucket; locally plans stay in .nuke/temp unless given)"), S3Bucket]
    readonly string? PlanStoreBucket;
    [Parameter("KMS key for stored plans: key id, ARN or alias/… (default: the account's aws/s3 key)"), KmsKey] readonly string? PlanStoreKmsKey;
    [Parameter("Keep reviewed plans in .nuke/temp even on CI (one machine, no workspace): they then hold secrets in clear on disk")] readonly bool KeepPlansLocal;
    [Parameter("TerraformApply refuses a reviewed plan older than this many hours"), Range(1, 2160)] readonly int MaxPlanAgeHours = 168;

    BackendConfig Backend => BackendConfig.Read(InfraDirectory / "environments" / $"{DeployEnvironment}.s3.tfbackend");

    string? PlanStoreBucketName => KeepPlansLocal ? null : PlanStoreBucket ?? (IsCi ? Backend.Bucket : null);

    PlanStore? PlanStore => PlanStoreBucketName is { } bucket ? new PlanStore(AwsSettings.CreateS3Client(), AwsRetries, bucket, PlanStoreKmsKey) : null;

    string PlanKey(PlanMetadata meta, string extension) => Aws.PlanStore.KeyFor(ProjectName, meta.Environment, meta.Commit, meta.PlanSha256, extension);

    AbsolutePath PlanJsonFile => PlanDirectory / "plan.json";

    async Task StorePlanAsync(PlanMetadata meta, CancellationToken cancellationToken)
    {
        if (PlanStore is not { } store)
            return;
        var metadata = new Dictionary<string, string>
        {
            ["commit"] = meta.Commit,
            ["environment"] = meta.Environment,
            ["created"] = meta.CreatedAt.ToString("O"),
            ["plan-sha256"] = meta.PlanSha256,
            ["workflow"] = Ci.WorkflowId ?? "local",
        };
        await store.UploadAsync(PlanFile, PlanKey(meta, ".tfplan"), metadata, cancellationToken);
        await store.UploadAsync(PlanJsonFile, PlanKey(meta, ".json"), metadata, cancellationToken);
        Output.Info($"Stored the reviewed plan and its JSON in {store.Address(PlanKey(meta, ".tfplan"))} (SSE-KMS, {PlanStoreKmsKey ?? "aws/s3"}).");
    }

    /// <summary>The reviewed plan's JSON (and binary plan when <paramref name="binary"/>) on disk, from the store when not here already.</summary>
    async Task FetchPlanAsync(PlanMetadata meta, bool binary, CancellationToken cancellationToken)
    {
        if (PlanStoreBucketName is null)
            return;
        var needPlan = binary && !(PlanFile.FileExists() && PlanMetadata.Sha256Of(PlanFile) == meta.PlanSha256);
        var needJson = !(PlanJsonFile.FileExists() && (meta.PlanJsonSha256 is null || PlanMetadata.Sha256Of(PlanJsonFile) == meta.PlanJsonSha256));
        if (!needPlan && !needJson)
            return;
        var store = PlanStore!;
        PlanDirectory.CreateDirectory();
        if (needPlan)
        {
            await store.DownloadAsync(PlanKey(meta, ".tfplan"), PlanFile, cancellationToken);
            Output.Info($"Fetched the reviewed plan {store.Address(PlanKey(meta, ".tfplan"))}.");
        }
        if (needJson)
            await store.DownloadAsync(PlanKey(meta, ".json"), PlanJsonFile, cancellationToken);
        if (meta.PlanJsonSha256 is { } expected && PlanMetadata.Sha256Of(PlanJsonFile) is var actual && actual != expected)
            throw new InvalidOperationException($"Refused: the stored plan JSON {store.Address(PlanKey(meta, ".json"))} has SHA-256 {actual[..12]}…, the reviewed one had {expected[..12]}…; plan again.");
    }

    /// <summary>On CI, once stored, the plan and its JSON leave the job's disk: no workspace or artifact can carry them.</summary>
    void RemovePlanFilesOnCi()
    {
        if (!IsCi || PlanStoreBucketName is null)
            return;
        File.Delete(PlanFile);
        File.Delete(PlanJsonFile);
    }

    void RefuseAnOldPlan(PlanMetadata meta)
    {
        var age = DateTimeOffset.UtcNow - meta.CreatedAt;
        if (age <= TimeSpan.FromHours(MaxPlanAgeHours))
            return;
        var trigger = meta.Destroy ? $"trigger a pipeline on {MainBranch} with destroy-environment={meta.Environment}"
            : $"trigger a new pipeline on {MainBranch} (for a rollback, with rollback-environment={meta.Environment})";
        throw new InvalidOperationException($"TerraformApply refused: the reviewed plan for {meta.Environment} was made {StateLockInfo.Age(age)} ago, " +
            $"more than --max-plan-age-hours {MaxPlanAgeHours}; plan again: {trigger} and approve its plan.");
    }
}
