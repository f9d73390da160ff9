namespace BuildEngine.CircleCi;

/// <summary>A cache restored before and saved after each job; the key may use CircleCI templates such as checksum.</summary>
public sealed record CircleCiCache(string Key, IReadOnlyList<string> Paths)
{
    /// <summary>
    /// The folders are created after the restore, so that a tool pointed at one (TF_PLUGIN_CACHE_DIR) finds it on a
    /// cache miss too: Terraform refuses a plugin cache folder that does not exist.
    /// </summary>
    public bool CreateFolders { get; init; }

    /// <summary>
    /// Restored and saved by the setup job of dynamic configuration too: what running any target needs (the compiled
    /// build). The others stay with the jobs that fill them; the setup job would only save them empty.
    /// </summary>
    public bool InSetup { get; init; }
}

/// <summary>A set-up step some jobs share: a reusable command (<paramref name="Name"/>) that runs one shell command.</summary>
public sealed record CircleCiSetup(string Name, string Description, string Command);

/// <summary>How one target's job runs: executor image, resource class, setup commands, extra arguments.</summary>
public sealed record CircleCiJobSettings
{
    public string? Image { get; init; }
    public string? ResourceClass { get; init; }

    /// <summary>Commands run before the target (install a tool, for instance), each a reusable command of the config.</summary>
    public IReadOnlyList<CircleCiSetup> Setup { get; init; } = [];

    /// <summary>Files this job stores as artifacts besides the pipeline's own.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>Arguments added to <c>./build.sh &lt;Target&gt; --skip</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Jobs sharing a serial group never run at once across pipelines; <c>{profile}</c> is replaced.</summary>
    public string? SerialGroup { get; init; }

    /// <summary>
    /// Variables of this job only, such as a pipeline parameter (<c>&lt;&lt; pipeline.parameters.x &gt;&gt;</c>):
    /// a value given as a variable never passes through a shell, whatever it holds.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>A workflow: the targets it invokes, when it runs, with which contexts, where a person approves.</summary>
public sealed record CircleCiWorkflow(string Name)
{
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Targets left out of this workflow; their dependents require what they required.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Profiles (.nuke/parameters.&lt;profile&gt;.json) the profile-scoped targets run for, one job each.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    public IReadOnlyList<string> BranchesOnly { get; init; } = [];
    public IReadOnlyList<string> BranchesIgnore { get; init; } = [];

    /// <summary>A cron schedule (UTC); the workflow then runs on the schedule only.</summary>
    public string? Schedule { get; init; }

    /// <summary>Contexts of every job of the workflow.</summary>
    public IReadOnlyList<string> Contexts { get; init; } = [];

    /// <summary>Contexts of the profile-scoped jobs only; <c>{profile}</c> is replaced (<c>aws-deploy-{profile}</c>).</summary>
    public IReadOnlyList<string> ProfileContexts { get; init; } = [];

    /// <summary>Contexts of the jobs that run once for all profiles (a shared image bake).</summary>
    public IReadOnlyList<string> SharedContexts { get; init; } = [];

    /// <summary>Targets that wait for a person's approval (a <c>type: approval</c> job) before they run.</summary>
    public IReadOnlyList<string> ApprovalBefore { get; init; } = [];

    /// <summary>The profiles whose jobs wait for that approval; null: every profile.</summary>
    public IReadOnlySet<string>? ApprovalProfiles { get; init; }

    /// <summary>
    /// Profiles run one after the other, in the order given: a profile's first jobs require the previous profile's
    /// last ones, so a later environment starts only after an earlier one finished (was verified).
    /// </summary>
    public bool Promote { get; init; }

    /// <summary>
    /// After each job of <c>After</c>, a job of <c>Notice</c> that runs only when that job failed or was cancelled
    /// (<c>requires: - job: [failed, canceled]</c>), with the same profile and contexts.
    /// </summary>
    public IReadOnlyList<(string After, string Notice)> OnFailure { get; init; } = [];

    /// <summary>The workflow runs only when each pipeline parameter equals its value (CircleCI <c>when</c>).</summary>
    public IReadOnlyList<(string Parameter, string Value)> WhenParameters { get; init; } = [];
}

/// <summary>A pipeline parameter (a string, empty by default) that starts workflows from CircleCI's UI or API.</summary>
public sealed record CircleCiParameter(string Name, string Description);

/// <summary>The CircleCI declaration of a build: generated into .circleci/config.yml from the same target graph.</summary>
public sealed record CircleCiPipeline
{
    public required string Image { get; init; }
    public string ResourceClass { get; init; } = "medium";
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<CircleCiCache> Caches { get; init; } = [];

    /// <summary>Commands run before the caches are restored: they write the files cache keys take checksums of.</summary>
    public IReadOnlyList<string> CacheKeyCommands { get; init; } = [];

    /// <summary>Files people read (summaries, logs) stored as artifacts after every job; never secrets.</summary>
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    public IReadOnlyDictionary<string, CircleCiJobSettings> Jobs { get; init; } = new Dictionary<string, CircleCiJobSettings>();

    /// <summary>Targets that run once per profile (environment) in workflows with profiles.</summary>
    public IReadOnlySet<string> ProfileScoped { get; init; } = new HashSet<string>();

    public required IReadOnlyList<CircleCiWorkflow> Workflows { get; init; }

    public IReadOnlyList<CircleCiParameter> Parameters { get; init; } = [];

    /// <summary>Which context holds each secret's environment variable, for the header that documents them.</summary>
    public IReadOnlyDictionary<string, string> SecretContexts { get; init; } = new Dictionary<string, string>();

    /// <summary>Secret parameters no context stores in this pipeline (another way of signing in replaces them): left out of the header.</summary>
    public IReadOnlySet<string> UnstoredSecrets { get; init; } = new HashSet<string>();

    /// <summary>Plain (not secret) variables the contexts must hold, listed in the header with where they go.</summary>
    public IReadOnlyList<(string Variable, string Where)> ContextVariables { get; init; } = [];

    public string RegenerateCommand { get; init; } = "./build.sh";

    /// <summary>
    /// Dynamic configuration: the committed file is a setup config whose one job runs <see cref="ContinueTarget"/>,
    /// which generates the full config when the pipeline runs and continues the pipeline with it.
    /// </summary>
    public bool Dynamic { get; init; }

    /// <summary>The target the setup config runs: it generates the config and posts it to CircleCI's continuation API.</summary>
    public string ContinueTarget { get; init; } = "CircleCiContinue";
}
