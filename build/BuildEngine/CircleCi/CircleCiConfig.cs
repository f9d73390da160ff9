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

/// <summary>Where jobs run: one image, one resource class, the variables every job gets.</summary>
public sealed record CircleCiExecutor(string Name, string Image, string ResourceClass, IReadOnlyDictionary<string, string> Environment);

/// <summary>A parameter of a reusable command or of a job (<c>string</c> or <c>boolean</c>).</summary>
public sealed record CircleCiParameterDeclaration(string Name, string Type, object Default, string? Description = null);

/// <summary>
/// A reusable command: steps written once under <c>commands:</c> and invoked by name from each job, so a change to
/// them is one change in one place.
/// </summary>
public sealed record CircleCiCommand(string Name, string Description, IReadOnlyList<CircleCiParameterDeclaration> Parameters, IReadOnlyList<object> Steps);

/// <summary>The whole configuration as an object model: executors, commands, jobs, workflows, and the comment header.</summary>
public sealed record CircleCiConfig(IReadOnlyList<CircleCiJob> Jobs, IReadOnlyList<WorkflowModel> Workflows, IReadOnlyList<string> Header)
{
    public IReadOnlyList<CircleCiParameter> Parameters { get; init; } = [];
    public IReadOnlyList<CircleCiExecutor> Executors { get; init; } = [];
    public IReadOnlyList<CircleCiCommand> Commands { get; init; } = [];

    /// <summary>A setup configuration (dynamic configuration): its one job continues the pipeline.</summary>
    public bool Setup { get; init; }

    /// <summary>
    /// Scheduled workflows run from schedule triggers (scheduled pipelines, as dynamic configuration needs): each
    /// runs when the pipeline comes from its schedule, and every other workflow when it does not.
    /// </summary>
    public bool ScheduleTriggers { get; init; }
}

/// <summary>The generated configuration breaks a rule CircleCI would reject or misrun.</summary>
public sealed class CircleCiConfigException(string message) : Exception(message);
