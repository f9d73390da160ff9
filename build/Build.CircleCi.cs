using BuildEngine.CircleCi;

namespace Pipeline;

/// <summary>The CircleCI pipeline, generated into .circleci/config.yml from these declarations and the targets.</summary>
partial class Build
{
    static readonly string[] Environments = ["dev", "staging", "prod"];
    const string InstallTools_ = "./build.sh InstallTools --skip";
    const string InstallAnsible = "apt-get update -qq && apt-get install -y -qq --no-install-recommends ansible-core openssh-client";

    protected override CircleCiPipeline CircleCi => new()
    {
        Image = "mcr.microsoft.com/dotnet/sdk:10.0",
        Environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["TF_PLUGIN_CACHE_DIR"] = "/root/.terraform.d/plugin-cache",
            ["TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE"] = "false",
        },
        Caches =
        [
            new("nuget-v1-{{ checksum \"build/_build.csproj\" }}-{{ checksum \"build/BuildEngine/BuildEngine.csproj\" }}", ["/root/.nuget/packages"]),
            new("tools-v1-{{ checksum \".nuke/tools.json\" }}", [".nuke/temp/tools"]),
            new("terraform-providers-v1-{{ checksum \"infra/.terraform.lock.hcl\" }}", ["/root/.terraform.d/plugin-cache"]),
        ],
        Artifacts = [".nuke/temp/build.log", ".nuke/temp/terraform/{profile}/summary.md", ".nuke/temp/terraform/{profile}/summary.json", ".nuke/temp/terraform/{profile}/plan.txt"],
        ProfileScoped = new HashSet<string> { nameof(PackerBuild), nameof(TerraformPlan), nameof(TerraformApply), nameof(AnsibleConfigure), nameof(DriftCheck) },
        Jobs = new Dictionary<string, CircleCiJobSettings>
        {
            [nameof(PackerValidate)] = new() { Setup = [InstallTools_] },
            [nameof(PackerBuild)] = new() { Setup = [InstallTools_], SerialGroup = "<< pipeline.project.slug >>/image-{profile}" },
            [nameof(TerraformValidate)] = new() { Setup = [InstallTools_] },
            [nameof(TerraformPlan)] = new() { Setup = [InstallTools_] },
            // The approval job before it is where a person accepts what the plan destroys.
            [nameof(TerraformApply)] = new() { Setup = [InstallTools_], Arguments = ["--allow-destroy"], SerialGroup = "<< pipeline.project.slug >>/deploy-{profile}" },
            [nameof(AnsibleValidate)] = new() { Setup = [InstallAnsible] },
            [nameof(AnsibleConfigure)] = new() { Setup = [InstallAnsible], SerialGroup = "<< pipeline.project.slug >>/deploy-{profile}" },
            [nameof(DriftCheck)] = new() { Setup = [InstallTools_] },
        },
        Workflows =
        [
            new("pull-request")
            {
                Targets = [nameof(Validate), nameof(TerraformPlan)],
                Exclude = [nameof(PackerBuild)], // images are baked from main only; PRs plan with the current AMI
                Profiles = Environments,
                BranchesIgnore = [MainBranch],
                Contexts = ["aws-plan", "gitops-feedback"],
            },
            .. Environments.Select(environment => new CircleCiWorkflow($"deploy-{environment}")
            {
                Targets = [nameof(AnsibleConfigure)],
                Profiles = [environment],
                BranchesOnly = [MainBranch],
                ApprovalBefore = [nameof(TerraformApply)],
                Contexts = [$"aws-deploy-{environment}", "gitops-feedback"],
            }),
            new("nightly-drift")
            {
                Targets = [nameof(DriftCheck)],
                Profiles = Environments,
                Schedule = "0 4 * * *",
                BranchesOnly = [MainBranch],
                // DriftCheck takes the state lock (a consistent read, never mid-apply): aws-plan plus the lock table.
                Contexts = ["aws-drift", "gitops-feedback"],
            },
        ],
        SecretContexts = new Dictionary<string, string>
        {
            [nameof(AwsAccessKeyId)] = "aws-plan (read-only) / aws-drift / aws-deploy-<env>",
            [nameof(AwsSecretAccessKey)] = "aws-plan (read-only) / aws-drift / aws-deploy-<env>",
            [nameof(AwsSessionToken)] = "aws-plan / aws-drift / aws-deploy-<env> (only with temporary credentials)",
            [nameof(SshPrivateKey)] = "aws-deploy-<env>",
        },
    };
}
