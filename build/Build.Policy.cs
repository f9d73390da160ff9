using System.Text.Json;
using System.Text.Json.Nodes;
using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Feedback.GitHub;
using Pipeline.Policies;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>Guard rails: the rules in build/Policies on every plan, between the plan and any approval or apply.</summary>
partial class Build
{
    [Parameter("PolicyCheck: instance types the environment allows (default: AllowedInstanceTypes in .nuke/parameters.<env>.json)"), InstanceType] readonly string[] AllowedInstanceTypes = [];

    AbsolutePath PolicyDirectory => TemporaryDirectory / "policy";
    /// <summary>The result for the environment's plan (what TerraformApply looks at); another plan's is kept beside it.</summary>
    AbsolutePath PolicyReportFile => PolicyDirectory / $"{DeployEnvironment}.json";
    AbsolutePath OtherPlanReportFile => PolicyDirectory / $"{DeployEnvironment}.plan-json.json";

    async Task CheckPoliciesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckPlanAgainstPoliciesAsync(cancellationToken);
        }
        finally
        {
            if (PlanJson is null) RemovePlanFilesOnCi();
        }
    }

    async Task CheckPlanAgainstPoliciesAsync(CancellationToken cancellationToken)
    {
        var pipelinePlan = PlanJson is null;
        var planJson = PlanJson ?? PlanJsonFile;
        if (!pipelinePlan && !PlanJson!.FileExists())
            throw new FileNotFoundException($"Plan file {PlanJson} (--plan-json) does not exist; expected the output of 'terraform show -json <planfile>'.");
        var meta = pipelinePlan && PlanMetadataFile.FileExists() ? PlanMetadata.Load(PlanMetadataFile) : null;
        if (meta is not null && meta.Environment == DeployEnvironment)
            await FetchPlanAsync(meta, binary: false, cancellationToken);
        if (!AbsolutePath.Create(planJson).FileExists())
            throw new FileNotFoundException($"No plan to check for environment '{DeployEnvironment}': {planJson} does not exist; run TerraformPlan (or TerraformDestroy) first, or pass --plan-json <file>.");
        if (pipelinePlan)
            RegisterPlanSecrets(planJson);
        var rules = PolicyRules.All;
        var waivers = PolicyWaivers.Load(RootDirectory / PolicyWaivers.FileName, PolicyEvaluation.WaivableRuleIds(rules));
        var context = new PolicyContext(DeployEnvironment, EnvironmentAllowedInstanceTypes());
        var planSha256 = !pipelinePlan ? null : PlanFile.FileExists() ? PlanMetadata.Sha256Of(PlanFile) : meta?.PlanSha256;
        var report = new PolicyEvaluation(rules, context, waivers, DateOnly.FromDateTime(DateTime.UtcNow)).Evaluate(planJson, planSha256);

        foreach (var line in PolicyReportFormats.ToLines(report))
            Output.Info(line);
        // A check of some other plan (--plan-json) never takes the place of the environment plan's result.
        var reportFile = pipelinePlan ? PolicyReportFile : OtherPlanReportFile;
        AtomicFile.Write(reportFile, stream => PolicyReportFormats.WriteJson(stream, report, Secrets.Apply));
        AtomicFile.WriteAllText(Path.ChangeExtension(reportFile, ".md"), Secrets.Apply(PolicyReportFormats.ToMarkdown(report)));
        if (pipelinePlan)
            await ShowPolicyBesideThePlanAsync(report, cancellationToken);
        Summaries.Set(nameof(PolicyCheck), report.OneLine);
        if (!report.Passed)
            throw new PolicyFailedException(FailureLine(report));
        Output.Success(report.OneLine);
    }

    /// <summary>The results in summary.json, and as a section of the pull request's one plan comment.</summary>
    async Task ShowPolicyBesideThePlanAsync(PolicyReport report, CancellationToken cancellationToken)
    {
        var summaryJson = PlanDirectory / "summary.json";
        if (summaryJson.FileExists() && JsonNode.Parse(await File.ReadAllTextAsync(summaryJson, cancellationToken)) is JsonObject summary)
            AtomicFile.Write(summaryJson, stream => PolicyReportFormats.WriteIntoSummary(stream, summary, report, Secrets.Apply));
        var summaryMarkdown = PlanDirectory / "summary.md";
        var planText = PlanDirectory / "plan.txt";
        if (summaryMarkdown.FileExists() && planText.FileExists())
            await PublishPlanCommentAsync(await File.ReadAllTextAsync(summaryMarkdown, cancellationToken), await File.ReadAllTextAsync(planText, cancellationToken),
                PolicyReportFormats.ToMarkdown(report, listed: 50), cancellationToken);
    }

    static string FailureLine(PolicyReport report)
    {
        var counting = report.Counting;
        var shown = counting.Count == 1
            ? $"{counting[0].Rule} {counting[0].Address}: {counting[0].Reason}"
            : string.Join("; ", counting.Take(3).Select(v => $"{v.Rule} {v.Address}")) + (counting.Count > 3 ? "; …" : "");
        return $"Policy check failed for {report.Environment}: {counting.Count} violation{(counting.Count == 1 ? "" : "s")} ({shown}); fix the configuration, or waive with a reason and an expiry in {PolicyWaivers.FileName}.";
    }

    /// <summary>--allowed-instance-types, else the environment's profile (whichever profile this run was given).</summary>
    IReadOnlyList<string> EnvironmentAllowedInstanceTypes() =>
        AllowedInstanceTypes.Length > 0 ? AllowedInstanceTypes
        : ProfileSetting(DeployEnvironment, nameof(AllowedInstanceTypes)) is { ValueKind: JsonValueKind.Array } types
            ? [.. types.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)]
            : [];

    /// <summary>A PolicyCheck that failed on exactly this plan stops the apply, even when PolicyCheck was skipped.</summary>
    void RefuseAPlanThatFailedPolicy(string planSha256)
    {
        if (!PolicyReportFile.FileExists())
            return;
        var report = JsonNode.Parse(File.ReadAllText(PolicyReportFile));
        if (report?["plan_sha256"]?.GetValue<string>() == planSha256 && report["passed"]?.GetValue<bool>() == false)
            throw new InvalidOperationException($"TerraformApply refused: PolicyCheck failed on this plan ({report["summary"]?.GetValue<string>()}); fix the violations or waive them in {PolicyWaivers.FileName}.");
    }

    static string PolicyPending(string environment) =>
        $"#### Policy check: ⏳ pending (`{StatusContexts.For(nameof(PolicyCheck), environment)}`)\n";
}

sealed class PolicyFailedException(string message) : Exception(message);
