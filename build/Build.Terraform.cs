using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Feedback;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>The infrastructure steps: validate, plan, summarize, apply exactly the reviewed plan, detect drift.</summary>
partial class Build
{
    [Parameter("Terraform executable: terraform, or tofu for OpenTofu")] readonly string TerraformExecutable = "terraform";
    [Parameter("TerraformApply may apply a plan that deletes or replaces resources (the approval gate sets it)")] readonly bool AllowDestroy;
    [Parameter("TerraformApply may run on a branch other than the main branch")] readonly bool ForceApply;
    [Parameter("Public key for the instance's key pair (overrides the environment's tfvars)")] readonly string? SshPublicKey;

    [Parameter("SummarizePlan: a plan in JSON (terraform show -json <planfile>)"), ExistingFile] readonly AbsolutePath? PlanJson;
    [Parameter("SummarizePlan: where to write the summary; .json, .md or .txt (console when empty)")] readonly AbsolutePath? SummaryOut;

    AbsolutePath InfraDirectory => RootDirectory / "infra";
    AbsolutePath PlanDirectory => TemporaryDirectory / "terraform" / DeployEnvironment;
    AbsolutePath PlanFile => PlanDirectory / "plan.tfplan";
    AbsolutePath PlanMetadataFile => PlanDirectory / "plan.meta.json";
    AbsolutePath OutputsFile => PlanDirectory / "outputs.json";

    TerraformCli Terraform => new(Tools, TerraformCommand, InfraDirectory, AwsSettings.ToEnvironment());

    async Task ValidateInfrastructureAsync(CancellationToken cancellationToken)
    {
        RequireTool(TerraformCommand, "TerraformValidate");
        var version = await CheckTerraformVersionAsync(cancellationToken);
        await Terraform.FormatCheckAsync(cancellationToken);
        try
        {
            await Terraform.InitAsync(backendConfigFile: null, cancellationToken);
        }
        catch (TerraformException e) when (ProviderVersionUnavailable(e.Details) is { } pinned)
        {
            // Not "offline": the lock names a version the configured sources (registry, mirror) do not have.
            throw new TerraformException($"infra/.terraform.lock.hcl selects {pinned}, which no provider source Terraform is configured with has " +
                "(the registry, or the filesystem mirror in TF_CLI_CONFIG_FILE); run terraform init -upgrade where the registry is reachable, or add that version to the mirror.");
        }
        catch (TerraformException e) when (!IsCi && e.Message.Contains("Failed to query available provider packages", StringComparison.Ordinal))
        {
            // Like a missing tool: a laptop without network cannot fetch providers; CI must.
            Output.Warning($"!!! {TerraformCommand} init could not download providers (offline?): terraform validate SKIPPED; fmt passed. CI fails here. !!!");
            throw new BuildEngine.Execution.TargetSkippedException("fmt passed; validate skipped: providers unavailable offline (CI fails here)");
        }
        await Terraform.ValidateAsync(cancellationToken);
        Summaries.Set(nameof(TerraformValidate), $"configuration valid ({TerraformExecutable} {version})");
    }

    /// <summary>"the previously-selected version 5.82.2 is no longer available" for hashicorp/aws → "hashicorp/aws 5.82.2".</summary>
    static string? ProviderVersionUnavailable(string initError)
    {
        var match = System.Text.RegularExpressions.Regex.Match(initError,
            @"available versions for provider (?<provider>[\w./-]+):?\s+the previously-selected version (?<version>[\w.-]+) is no longer available");
        return match.Success ? $"{match.Groups["provider"].Value} {match.Groups["version"].Value}" : null;
    }

    async Task<Version> CheckTerraformVersionAsync(CancellationToken cancellationToken)
    {
        var version = await Terraform.VersionAsync(cancellationToken);
        var required = VersionConstraint.FromModule(InfraDirectory);
        if (required is not null && !required.IsSatisfiedBy(version))
            throw new TerraformException($"{TerraformExecutable} {version} does not satisfy required_version \"{required.Text}\" in infra/; install a matching version.");
        return version;
    }

    async Task InitForEnvironmentAsync(CancellationToken cancellationToken)
    {
        var backend = InfraDirectory / "environments" / $"{DeployEnvironment}.s3.tfbackend";
        if (!backend.FileExists())
            throw new FileNotFoundException($"No backend configuration for environment '{DeployEnvironment}': expected infra/environments/{DeployEnvironment}.s3.tfbackend.");
        await Terraform.InitAsync(backend, cancellationToken);
    }

    IEnumerable<string> TerraformVariables(string? imageId = null)
    {
        var variables = InfraDirectory / "environments" / $"{DeployEnvironment}.tfvars";
        if (!variables.FileExists())
            throw new FileNotFoundException($"No variables for environment '{DeployEnvironment}': expected infra/environments/{DeployEnvironment}.tfvars.");
        yield return $"-var-file={variables}";
        yield return $"-var=project={ProjectName}";
        yield return $"-var=commit={Ci.Commit ?? "unknown"}";
        if (!string.IsNullOrWhiteSpace(SshPublicKey))
            yield return $"-var=ssh_public_key={SshPublicKey}";
        if (imageId is not null)
            yield return $"-var=ami_id={imageId}";
    }

    /// <summary>
    /// The image this commit's pipeline hands over (PackerBuild's, or Rollback's choice), when its record is for this
    /// commit; otherwise none, and the plan deploys the environment's verified image (what pull requests plan with).
    /// </summary>
    string? ImageForThisCommit(string use = "Deploying")
    {
        if (!AbsolutePath.Create(ImageRecordFile).FileExists())
            return null;
        var record = Pipeline.Packer.ImageRecord.Load(ImageRecordFile);
        if (record.Commit != (Ci.Commit ?? "unknown"))
        {
            Output.Info($"Ignoring {ImageRecordFile}: it is for commit {record.Commit}, not this one; planning with the verified image.");
            return null;
        }
        Output.Info($"{use} {record.ImageId} ({record.Origin} for commit {record.Commit}).");
        return record.ImageId;
    }

    Task PlanInfrastructureAsync(CancellationToken cancellationToken) => MakeReviewedPlanAsync(destroy: false, cancellationToken);

    /// <summary>The plan people review and TerraformApply applies exactly: of changes, or of the environment's teardown.</summary>
    async Task MakeReviewedPlanAsync(bool destroy, CancellationToken cancellationToken)
    {
        AwsSettings.ResolveCredentials();
        var imageId = destroy ? null : ImageForThisCommit();
        var version = await CheckTerraformVersionAsync(cancellationToken);
        PlanDirectory.CreateDirectory();
        foreach (var stale in Directory.GetFiles(PlanDirectory))
            File.Delete(stale);
        await InitForEnvironmentAsync(cancellationToken);
        if (IsPullRequestBuild)
            Output.Info("Speculative plan (pull request): the state lock is not taken; this plan is never applied.");
        var run = await Terraform.PlanAsync(PlanFile, TerraformVariables(imageId), speculative: IsPullRequestBuild, cancellationToken, destroy);
        await Terraform.ShowJsonAsync(PlanFile, PlanJsonFile, cancellationToken);
        RegisterPlanSecrets(PlanJsonFile, run);
        AtomicFile.WriteAllText(PlanDirectory / "plan.txt", Secrets.Apply(run.ReviewText()));
        var hasChanges = run.HasChanges;

        var summary = PlanReader.Read(PlanJsonFile);
        PlanSummaryFormats.Save(summary, PlanDirectory / "summary.json");
        PlanSummaryFormats.Save(summary, PlanDirectory / "summary.md");
        foreach (var line in PlanSummaryFormats.ToText(summary).TrimEnd().Split('\n'))
            Output.Info(line);
        var meta = new PlanMetadata(PlanMetadata.Sha256Of(PlanFile), Ci.Commit ?? "unknown", DeployEnvironment, hasChanges && summary.HasChanges,
            [.. summary[PlanAction.Delete], .. summary[PlanAction.Replace]], summary.OneLine, version.ToString(3), DateTimeOffset.UtcNow, imageId, destroy,
            PlanMetadata.Sha256Of(PlanJsonFile));
        await StorePlanAsync(meta, cancellationToken);
        meta.Save(PlanMetadataFile);
        RemovePlanFilesOnCi();
        Summaries.Set(destroy ? nameof(TerraformDestroy) : nameof(TerraformPlan), summary.OneLine);
        await PublishPlanCommentAsync(PlanSummaryFormats.ToMarkdown(summary), await File.ReadAllTextAsync(PlanDirectory / "plan.txt", cancellationToken),
            PolicyPending(DeployEnvironment), cancellationToken);
    }

    /// <summary>Masks what the plan marks sensitive, then echoes what Terraform printed while planning.</summary>
    void RegisterPlanSecrets(AbsolutePath planJson, PlanRun? run = null)
    {
        foreach (var value in PlanSensitiveValues.Collect(planJson))
            Secrets.Register(value);
        foreach (var line in run?.Output ?? [])
            Tools.Echo(line);
    }

    async Task ApplyReviewedPlanAsync(CancellationToken cancellationToken)
    {
        try
        {
            var meta = await ReviewedPlanAsync(cancellationToken);
            if (PlanJsonFile.FileExists())
                RegisterPlanSecrets(PlanJsonFile);
            await CheckTerraformVersionAsync(cancellationToken);
            await InitForEnvironmentAsync(cancellationToken);
            if (!meta.HasChanges)
            {
                await SaveOutputsAsync(cancellationToken);
                throw new BuildEngine.Execution.TargetSkippedException("the reviewed plan has no changes; outputs refreshed");
            }
            await Terraform.ApplyAsync(PlanFile, cancellationToken);
            await SaveOutputsAsync(cancellationToken);
            if (meta.Destroy)
                await ForgetVerifiedImageAsync(cancellationToken);
            Summaries.Set(nameof(TerraformApply), $"applied: {meta.Summary}");
        }
        finally
        {
            RemovePlanFilesOnCi(); // this job's workspace carries outputs.json, never the plan
        }
    }

    /// <summary>Everything that must hold before a reviewed plan may touch infrastructure; the plan fetched from the store when there is one.</summary>
    async Task<PlanMetadata> ReviewedPlanAsync(CancellationToken cancellationToken)
    {
        if (Ci.Branch != MainBranch && !ForceApply)
            throw new InvalidOperationException($"TerraformApply refused: branch '{Ci.Branch ?? "unknown"}' is not {MainBranch}; applies happen from {MainBranch} (--force-apply overrides).");
        var meta = PlanMetadata.Load(PlanMetadataFile);
        if (meta.Commit != Ci.Commit)
            throw new InvalidOperationException($"TerraformApply refused: the plan was made for commit {meta.Commit}, this is {Ci.Commit ?? "unknown"}; re-run TerraformPlan for this commit.");
        if (meta.Environment != DeployEnvironment)
            throw new InvalidOperationException($"TerraformApply refused: the plan was made for environment {meta.Environment}, not {DeployEnvironment}.");
        RefuseAnOldPlan(meta);
        AwsSettings.ResolveCredentials();
        await FetchPlanAsync(meta, binary: true, cancellationToken);
        if (!PlanFile.FileExists())
            throw new FileNotFoundException($"Saved plan {PlanFile} does not exist; run TerraformPlan first (or attach its workspace).");
        var actual = PlanMetadata.Sha256Of(PlanFile);
        if (actual != meta.PlanSha256)
            throw new InvalidOperationException($"TerraformApply refused: {PlanFile.Name} has SHA-256 {actual[..12]}…, the reviewed plan had {meta.PlanSha256[..12]}…; re-run TerraformPlan.");
        RefuseAPlanThatFailedPolicy(actual);
        if (meta.Destroys.Count > 0 && !AllowDestroy)
            throw new InvalidOperationException($"TerraformApply refused: the plan deletes or replaces {string.Join(", ", meta.Destroys)}; pass --allow-destroy after reviewing it.");
        return meta;
    }

    /// <summary>Saves outputs for AnsibleConfigure; sensitive values are masked from now on and kept out of the file.</summary>
    async Task SaveOutputsAsync(CancellationToken cancellationToken)
    {
        var outputs = await Terraform.OutputsAsync(cancellationToken);
        foreach (var value in outputs.All.Where(o => o.Sensitive).SelectMany(o => o.Strings()))
            Secrets.Register(value);
        outputs.SaveRedacted(OutputsFile);
        Output.Info($"Outputs: {string.Join(", ", outputs.All.Select(o => o.Sensitive ? $"{o.Name} (sensitive)" : o.Name))}");
    }

    /// <summary>
    /// Plans against what this commit deployed (its image, else the verified one): drift is a change outside Terraform
    /// (the plan's resource_drift, read-back noise left out) or anything the plan would change. The result becomes the
    /// environment's drift issue on GitHub, and a Slack message when the state changes.
    /// </summary>
    async Task CheckDriftAsync(CancellationToken cancellationToken)
    {
        AwsSettings.ResolveCredentials();
        await CheckTerraformVersionAsync(cancellationToken);
        PlanDirectory.CreateDirectory();
        await InitForEnvironmentAsync(cancellationToken);
        var driftPlan = PlanDirectory / "drift.tfplan";
        var run = await Terraform.PlanAsync(driftPlan, TerraformVariables(ImageForThisCommit("Comparing with what this commit deployed:")), speculative: false, cancellationToken);
        await Terraform.ShowJsonAsync(driftPlan, PlanDirectory / "drift.json", cancellationToken);
        RegisterPlanSecrets(PlanDirectory / "drift.json", run);
        var summary = PlanReader.Read(PlanDirectory / "drift.json");
        foreach (var ignored in summary.DriftIgnored)
            Output.Info($"Not drift: {ignored}");
        // Terraform's exit code says whether the plan changes anything; the JSON says what changed outside it.
        if (summary.Drift.Count == 0 && !run.HasChanges)
        {
            await DriftTracker.ReportAsync(new DriftFinding(false, [], "no changes", "", DateTimeOffset.UtcNow), cancellationToken);
            Summaries.Set(nameof(DriftCheck), "no drift");
            Output.Success("No drift: the infrastructure matches the configuration.");
            return;
        }
        PlanSummaryFormats.Save(summary, PlanDirectory / "drift.md");
        foreach (var line in PlanSummaryFormats.ToText(summary).TrimEnd().Split('\n'))
            Output.Info(line);
        var changedOutside = summary.DriftDetails.Select(d => d.ToString()).ToList();
        await DriftTracker.ReportAsync(new DriftFinding(true, changedOutside, summary.OneLine, PlanSummaryFormats.ToMarkdown(summary), DateTimeOffset.UtcNow), cancellationToken);
        var drifted = changedOutside.Count > 0 ? string.Join(", ", changedOutside) : "none outside Terraform";
        Summaries.Set(nameof(DriftCheck), $"drift: {summary.Drift.Count} changed outside Terraform; {summary.OneLine} to converge");
        throw new InvalidOperationException($"Drift detected: changed outside Terraform: {drifted}; a plan now would: {summary.OneLine}.");
    }

    void SummarizePlanFile()
    {
        var summary = PlanReader.Read(PlanJson!);
        if (SummaryOut is null)
        {
            foreach (var line in PlanSummaryFormats.ToText(summary).TrimEnd().Split('\n'))
                Output.Info(line);
        }
        else
        {
            PlanSummaryFormats.Save(summary, SummaryOut);
            Output.Info($"Wrote {SummaryOut}");
        }
        Summaries.Set(nameof(SummarizePlan), summary.OneLine);
    }
}
