using BuildEngine.Parameters;
using Pipeline.Feedback;
using Pipeline.Packer;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>What is deployed where, on GitHub: a deployment per environment and run, from the apply to the smoke test.</summary>
partial class Build
{
    [Parameter("GitHub Deployments: this environment is production (set in its profile: prod's says true)")] readonly bool ProductionEnvironment;

    static readonly string[] DeploymentSteps = [nameof(TerraformApply), nameof(AnsibleConfigure), nameof(SmokeTest)];

    DeploymentTracker? DeploymentTracker => GitHub is { } github && Ci.Commit is { } commit && ScheduledTargets.Any(DeploymentSteps.Contains)
        ? new DeploymentTracker(github.Deployments, new DeploymentTargets(nameof(TerraformApply), nameof(AnsibleConfigure), nameof(SmokeTest)),
            DeployEnvironment, commit, ProductionEnvironment, Ci.BuildUrl, ReviewedDeployment, DeployedSiteUrl, Secrets.Apply, m => Output.Info(m), m => Output.Warning(m))
        : null;

    /// <summary>The reviewed plan and, for a rollback, the image Rollback chose for this commit.</summary>
    DeploymentFacts? ReviewedDeployment()
    {
        if (!PlanMetadataFile.FileExists())
            return null;
        var meta = PlanMetadata.Load(PlanMetadataFile);
        var record = File.Exists(ImageRecordFile) ? ImageRecord.Load(ImageRecordFile) : null;
        var rollback = record is { Origin: ImageOrigins.Rollback } && record.Commit == Ci.Commit;
        return new DeploymentFacts(rollback ? "rollback" : "deploy", meta.Destroy, meta.ImageId, rollback ? record!.SourceCommit : Ci.Commit, meta.PlanSha256);
    }

    string? DeployedSiteUrl() =>
        SmokeTestUrl ?? (OutputsFile.FileExists() ? TerraformOutputs.Load(OutputsFile)["url"]?.AsString : null);
}
