using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Pipeline;

/// <summary>The GitOps pipeline: Packer bakes the image, Terraform deploys it, Ansible configures it.</summary>
partial class Build : BuildBase
{
    public static Task<int> Main() => Execute(DefaultTarget);

    internal static readonly Func<Build, Target> DefaultTarget = x => x.Validate;

    [Parameter("Deployment environment (selects infra/environments/<env>.*)"), EnvironmentName] readonly string DeployEnvironment = "dev";
    [Parameter("Project name: prefixes SSM parameters, tags images"), ProjectName] readonly string ProjectName = "gitops-demo";
    [Parameter("The branch that deploys; other branches only plan"), BranchName] readonly string MainBranch = "main";

    bool IsPullRequestBuild => IsCi && Ci.Branch != MainBranch;

    /// <summary>What a plan hands on: its record and the masked summaries. The plan itself goes through the plan store.</summary>
    static readonly string[] ReviewedPlanFiles = [.. new[] { "plan.meta.json", "summary.json", "summary.md", "plan.txt" }.Select(f => $".nuke/temp/terraform/*/{f}")];

    Target Validate => _ => _
        .Description("Offline checks: generated files, Packer template, Terraform, playbooks")
        .DependsOn(PackerValidate, TerraformValidate, AnsibleValidate)
        .Executes(CheckGeneratedFilesAreCurrent);

    Target PackerValidate => _ => _
        .Description("packer fmt -check, init (Packer >= 1.7) and validate on packer/")
        .Executes(ValidateTemplateAsync);

    Target PackerBuild => _ => _
        .Description("Bake this commit's Ubuntu 22.04 AMI, unless one with the same inputs hash exists; hand it to the plans")
        .DependsOn(PackerValidate)
        .OnlyWhenStatic(() => !IsPullRequestBuild)
        .OnlyWhenDynamic(() => !RollbackChoseTheImage)
        .Produces(".nuke/temp/image/ami.json")
        .MaxDuration(TimeSpan.FromMinutes(90))
        .Executes(BakeImageAsync);

    Target TerraformValidate => _ => _
        .Description("terraform fmt -check, init -backend=false and validate on infra/")
        .Executes(ValidateInfrastructureAsync);

    Target TerraformPlan => _ => _
        .Description("Plan the environment: saved plan, JSON, summary (JSON, Markdown), SHA-256 and commit record")
        .DependsOn(PackerBuild)
        .Produces(ReviewedPlanFiles)
        .MaxDuration(TimeSpan.FromMinutes(30))
        .Executes(PlanInfrastructureAsync);

    Target PolicyCheck => _ => _
        .Description("Check the environment's plan against build/Policies (waivers: policy-waivers.json); any plan JSON with --plan-json <file>")
        .After(TerraformPlan, TerraformDestroy)
        .Produces(".nuke/temp/policy/")
        .Executes(CheckPoliciesAsync);

    Target TerraformApply => _ => _
        .Description("Apply exactly the reviewed plan: checked hash, commit, branch, policy; destroys only with --allow-destroy")
        .DependsOn(TerraformPlan, PolicyCheck)
        .After(TerraformDestroy)
        .Consumes(TerraformPlan, ".nuke/temp/terraform/*/plan.meta.json") // the plan itself comes from the plan store
        .Produces(".nuke/temp/terraform/*/outputs.json")
        .MaxDuration(TimeSpan.FromMinutes(60))
        .Executes(ApplyReviewedPlanAsync);

    Target AnsibleValidate => _ => _
        .Description("ansible-playbook --syntax-check on ansible/, and ansible-lint when installed")
        .Executes(ValidatePlaybooksAsync);

    Target AnsibleConfigure => _ => _
        .Description("Configure the instance from Terraform's outputs over SSH: readiness waits, pinned host key")
        .DependsOn(TerraformApply)
        .Requires(() => SshPrivateKey ?? (object?)SshPrivateKeyFile)
        .Produces(".nuke/temp/ansible/recap.json")
        .MaxDuration(TimeSpan.FromMinutes(45))
        .Executes(ConfigureHostAsync);

    Target SmokeTest => _ => _
        .Description("GET <url>version.txt until it serves the commit; then record the image as verified here (SSM)")
        .DependsOn(AnsibleConfigure)
        .MaxDuration(TimeSpan.FromMinutes(15))
        .Executes(SmokeTestAsync);

    Target Rollback => _ => _
        .Description("Deploy the environment's previous verified image (or --rollback-to) through plan, apply, configure, smoke test; never bakes")
        .Before(PackerBuild)
        .Produces(".nuke/temp/image/ami.json")
        .Executes(ChooseRollbackImageAsync);

    Target TerraformDestroy => _ => _
        .Description("Plan the environment's teardown (plan -destroy) for review; needs --confirm-destroy <env>; TerraformApply applies it")
        .Requires(() => ConfirmDestroy)
        .Produces(ReviewedPlanFiles)
        .MaxDuration(TimeSpan.FromMinutes(30))
        .Executes(PlanTeardownAsync);

    Target DriftCheck => _ => _
        .Description("Refresh and plan: no changes, or the environment's drift issue on GitHub (opened, updated, closed) and Slack on each change")
        .After(TerraformApply)
        .MaxDuration(TimeSpan.FromMinutes(30))
        .Executes(CheckDriftAsync);

    Target StateLock => _ => _
        .Description("Show the environment's state lock from the backend (ID, operation, who, age), or that there is none; read only")
        .Executes(ShowStateLockAsync);

    Target ForceUnlock => _ => _
        .Description("Release the state lock --lock-id: only the current lock, only when older than the longest locking target (or with --force-unlock-reason); announced")
        .Requires(() => LockId)
        .Executes(ReleaseStateLockAsync);

    Target Status => _ => _
        .Description("What runs where: per environment the live image, its verified commit, what Rollback would choose, the latest deployment, the drift issue, the lock; read only")
        .Executes(ShowStatusAsync);

    Target SummarizePlan => _ => _
        .Description("Summarize any plan JSON: ./build.sh SummarizePlan --plan-json <file> [--summary-out <file.json|.md|.txt>]")
        .Requires(() => PlanJson)
        .Executes(SummarizePlanFile);

    Target ProtectBranch => _ => _
        .Description("Protect main: pull requests, approvals, and the checks the pull-request workflow produces")
        .Executes(ProtectMainBranchAsync);

    Target InstallTools => _ => _
        .Description("Install the pinned Packer and Terraform (.nuke/tools.json) into .nuke/temp/tools, checksum-verified")
        .Executes(InstallPinnedToolsAsync);

    Target CircleCiContinue => _ => _
        .Description("Dynamic configuration: generate the pipeline's CircleCI config from the targets and continue the setup workflow with it")
        .Executes(ContinueCircleCiPipelineAsync);

    Target PruneImages => _ => _
        .Description("Deregister this pipeline's images beyond the newest --keep-images, keeping every environment's recent verified images")
        .Executes(PruneImagesAsync);
}
