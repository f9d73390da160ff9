namespace BuildEngine.CircleCi;

/// <summary>A job of the config: one target, run alone with <c>./build.sh &lt;Target&gt; --skip</c>.</summary>
public sealed record CircleCiJob(string Name, Dictionary<string, object?> Definition);

/// <summary>A job as a workflow invokes it.</summary>
public sealed record WorkflowJob(string Job, string Name, IReadOnlyList<string> Requires)
{
    public bool IsApproval { get; init; }
    public string? Profile { get; init; }
    public bool AttachWorkspace { get; init; }
    public IReadOnlyList<string> Contexts { get; init; } = [];
    public string? SerialGroup { get; init; }

    /// <summary>The statuses its requirements must end in (<c>failed</c>, <c>canceled</c>); null: success.</summary>
    public IReadOnlyList<string>? RequiredStatuses { get; init; }
}

/// <summary>A workflow of the config, its jobs in order.</summary>
public sealed record WorkflowModel(string Name, CircleCiWorkflow Declaration, IReadOnlyList<WorkflowJob> Jobs);

/// <summary>The whole configuration as an object model: jobs, workflows, and the comment header.</summary>
public sealed record CircleCiConfig(IReadOnlyList<CircleCiJob> Jobs, IReadOnlyList<WorkflowModel> Workflows, IReadOnlyList<string> Header)
{
    public IReadOnlyList<CircleCiParameter> Parameters { get; init; } = [];
}

/// <summary>The generated configuration breaks a rule CircleCI would reject or misrun.</summary>
public sealed class CircleCiConfigException(string message) : Exception(message);
