using BuildEngine.CircleCi;

namespace Pipeline;

/// <summary>The CircleCI pipeline, generated into .circleci/config.yml from these declarations and the targets.</summary>
partial class Build
{
    static readonly string[] Environments = ["dev", "staging", "prod"];
    static readonly CircleCiSetup InstallTools_ = new("install-tools", "Install the pinned Packer and Terraform (.nuke/tools.json), or take them from the cache", "./build.sh InstallTools --skip");
    const string DeployGroup = "<< pipeline.project.slug >>/deploy-{profile}";
    const string RollbackParameter = "rollback-environment";
    const string DestroyParameter = "destroy-environment";
    const string UnlockParameter = "unlock-environment";
    const string PluginCache = "/root/.terraform.d/plugin-cache";
    static readonly CircleCiSetup InstallAnsible = new("install-ansible", "Install ansible-core and the SSH client from the image's apt sources",
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends ansible-core openssh-client");

    protected override CircleCiPipeline CircleCi => new()
    {
        Image = "mcr.microsoft.com/dotnet/sdk:10.0",
        Dynamic = UsesDynamicCircleCiConfig,
        Environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["TF_PLUGIN_CACHE_DIR"] = PluginCache,
            ["TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE"] = "false",
            // CircleCI has no variable for it: the STS session name (CloudTrail) carries it.
            ["PIPELINE_NUMBER"] = "<< pipeline.number >>",
        },
        // The compiled build, keyed on the hash of its inputs (content, not file times): a job whose build/ did not
        // change runs its target at once. Only a job that misses compiles, downloading its packages; no job restores
        // the package cache (436 MB) for a build that is already compiled (23 MB).
        CacheKeyCommands = ["mkdir -p .nuke/temp && ./build.sh --build-inputs-hash > .nuke/temp/build-inputs-hash"],
        Caches =
        [
            new("build-bin-v1-{{ arch }}-{{ checksum \".nuke/temp/build-inputs-hash\" }}", [".nuke/temp/build-bin"]) { InSetup = true },
            new("tools-v1-{{ checksum \".nuke/tools.json\" }}", [".nuke/temp/tools"]),
            new("terraform-providers-v1-{{ checksum \"infra/.terraform.lock.hcl\" }}", [PluginCache]) { CreateFolders = true },
        ],
        Artifacts = [".nuke/temp/build.log", ".nuke/temp/terraform/{profile}/summary.md", ".nuke/temp/terraform/{profile}/summary.json", ".nuke/temp/terraform/{profile}/plan.txt", ".nuke/temp/policy/{profile}.md"],
        ProfileScoped = new HashSet<string>
        {
            nameof(TerraformPlan), nameof(PolicyCheck), nameof(TerraformApply), nameof(AnsibleConfigure), nameof(SmokeTest), nameof(DriftCheck), nameof(Rollback), nameof(TerraformDestroy),
            nameof(StateLock), nameof(ForceUnlock),
        },
        Jobs = new Dictionary<string, CircleCiJobSettings>
        {
            [nameof(PackerValidate)] = new() { Setup = [InstallTools_] },
            [nameof(PackerBuild)] = new() { Setup = [InstallTools_], SerialGroup = "<< pipeline.project.slug >>/image" },
            [nameof(TerraformValidate)] = new() { Setup = [InstallTools_] },
            [nameof(TerraformPlan)] = new() { Setup = [InstallTools_] },
            // The approval job before it is where a person accepts what the plan destroys (environments that ask for one).
            [nameof(TerraformApply)] = new() { Setup = [InstallTools_], Arguments = ["--allow-destroy"], SerialGroup = DeployGroup },
            [nameof(AnsibleValidate)] = new() { Setup = [InstallAnsible] },
            [nameof(AnsibleConfigure)] = new() { Setup = [InstallAnsible], SerialGroup = DeployGroup },
            [nameof(SmokeTest)] = new() { SerialGroup = DeployGroup },
            [nameof(DriftCheck)] = new() { Setup = [InstallTools_] },
            [nameof(TerraformDestroy)] = new() { Setup = [InstallTools_], Arguments = ["--confirm-destroy", $"<< pipeline.parameters.{DestroyParameter} >>"], SerialGroup = DeployGroup },
            // In the pipeline StateLock is the notice after a failed or cancelled apply: it tells people when a lock is left.
            [nameof(StateLock)] = new() { Arguments = ["--state-lock-notify"] },
            // The config the setup job generated and continued with, for people to read.
            [nameof(CircleCiContinue)] = new() { Artifacts = [".nuke/temp/circleci/config.yml"] },
            [nameof(Status)] = new() { Arguments = ["--status-format", "md"], Artifacts = [".nuke/temp/status/status.md"] },
            // Free text from whoever triggered the pipeline: passed as variables, never through a shell.
            [nameof(ForceUnlock)] = new()
            {
                Setup = [InstallTools_],
                Environment = new Dictionary<string, string>
                {
                    ["LOCK_ID"] = "<< pipeline.parameters.unlock-lock-id >>",
                    ["FORCE_UNLOCK_REASON"] = "<< pipeline.parameters.unlock-reason >>",
                },
            },
        },
        Parameters =
        [
            new(RollbackParameter, "Environment to roll back to its previous verified image (dev, staging, prod); runs the rollback workflow"),
            new(DestroyParameter, "Environment to tear down (dev, staging, prod); runs the teardown workflow, with an approval"),
            new(UnlockParameter, "Environment whose state lock to release (dev, staging, prod); runs the unlock workflow, with an approval"),
            new("unlock-lock-id", "The ID of the lock to release, as StateLock shows it"),
            new("unlock-reason", "Why the lock is released; needed while the lock is younger than the longest locking target's limit"),
        ],
        Workflows =
        [
            new("pull-request")
            {
                Targets = [nameof(Validate), nameof(TerraformPlan), nameof(PolicyCheck)],
                Exclude = [nameof(PackerBuild)], // images are baked from main only; PRs plan with each environment's verified image
                Profiles = Environments,
                BranchesIgnore = [MainBranch],
                Contexts = ["aws-plan", "gitops-feedback"],
            },
            // Bake once, then promote the same image: each environment planned, policy-checked, approved where it asks,
            // applied, configured, smoke-tested and checked for drift before the next one is even planned.
            new("deploy")
            {
                Targets = [nameof(SmokeTest), nameof(DriftCheck)],
                Profiles = Environments,
                Promote = true,
                BranchesOnly = [MainBranch],
                ApprovalBefore = [nameof(TerraformApply)],
                ApprovalProfiles = Environments.Where(ProfileRequiresApproval).ToHashSet(),
                Contexts = ["gitops-feedback"],
                SharedContexts = ["aws-image"],
                ProfileContexts = ["aws-deploy-{profile}"],
                OnFailure = [(nameof(TerraformApply), nameof(StateLock))],
                WhenParameters = [(RollbackParameter, ""), (DestroyParameter, ""), (UnlockParameter, "")],
            },
            .. Environments.Select(environment => new CircleCiWorkflow($"rollback-{environment}")
            {
                Targets = [nameof(Rollback), nameof(SmokeTest), nameof(DriftCheck)],
                Exclude = [nameof(PackerValidate), nameof(PackerBuild)], // a rollback never bakes
                Profiles = [environment],
                BranchesOnly = [MainBranch],
                ApprovalBefore = [nameof(TerraformApply)],
                Contexts = ["gitops-feedback"],
                ProfileContexts = ["aws-deploy-{profile}"],
                OnFailure = [(nameof(TerraformApply), nameof(StateLock))],
                WhenParameters = [(RollbackParameter, environment)],
            }),
            .. Environments.Select(environment => new CircleCiWorkflow($"teardown-{environment}")
            {
                Targets = [nameof(TerraformDestroy), nameof(TerraformApply)],
                Exclude = [nameof(PackerValidate), nameof(PackerBuild), nameof(TerraformPlan)],
                Profiles = [environment],
                BranchesOnly = [MainBranch],
                ApprovalBefore = [nameof(TerraformApply)],
                Contexts = ["gitops-feedback"],
                ProfileContexts = ["aws-deploy-{profile}"],
                OnFailure = [(nameof(TerraformDestroy), nameof(StateLock)), (nameof(TerraformApply), nameof(StateLock))],
                WhenParameters = [(DestroyParameter, environment)],
            }),
            .. Environments.Select(environment => new CircleCiWorkflow($"unlock-{environment}")
            {
                Targets = [nameof(ForceUnlock)],
                Profiles = [environment],
                BranchesOnly = [MainBranch],
                ApprovalBefore = [nameof(ForceUnlock)],
                Contexts = ["gitops-feedback"],
                ProfileContexts = ["aws-deploy-{profile}"],
                WhenParameters = [(UnlockParameter, environment)],
            }),
            new("nightly-drift")
            {
                // Status beside the checks: what runs where, as a Markdown artifact of its job.
                Targets = [nameof(DriftCheck), nameof(Status)],
                Profiles = Environments,
                Schedule = "0 4 * * *",
                BranchesOnly = [MainBranch],
                // DriftCheck takes the state lock (a consistent read, never mid-apply): aws-plan plus the lock table.
                Contexts = ["aws-drift", "gitops-feedback"],
            },
        ],
        SecretContexts = SecretContexts,
        UnstoredSecrets = UnstoredCircleCiSecrets,
        ContextVariables = [.. ContextVariables],
    };

    /// <summary>Secrets no context stores: the keys OIDC replaces (or the token keys replace); the continuation key outside dynamic mode.</summary>
    HashSet<string> UnstoredCircleCiSecrets
    {
        get
        {
            HashSet<string> unstored = UsesOidcOnCircleCi ? [nameof(AwsAccessKeyId), nameof(AwsSecretAccessKey), nameof(AwsSessionToken)] : [nameof(CircleOidcToken)];
            if (!UsesDynamicCircleCiConfig) unstored.Add(nameof(CircleContinuationKey));
            return unstored;
        }
    }

    /// <summary>Whether an environment's profile (.nuke/parameters.&lt;env&gt;.json) asks for an approval before it applies.</summary>
    bool ProfileRequiresApproval(string environment) =>
        ProfileSetting(environment, nameof(RequireApproval)) is not { ValueKind: System.Text.Json.JsonValueKind.False };

    /// <summary>A setting of an environment's profile read directly, whatever profile this run was given; null when absent.</summary>
    System.Text.Json.JsonElement? ProfileSetting(string environment, string name) => ParametersFileSetting($"parameters.{environment}.json", name);

    /// <summary>A setting of a parameters file under .nuke read directly (not the value this run resolved); null when absent.</summary>
    System.Text.Json.JsonElement? ParametersFileSetting(string file, string name)
    {
        var profile = RootDirectory / ".nuke" / file;
        if (!profile.FileExists()) return null;
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(profile),
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
    }
}
