namespace BuildEngine.Execution;

public enum TargetStatus
{
    Succeeded,
    Failed,
    Skipped,
    NotRun,
    Aborted,
}

/// <summary>What became of one planned target.</summary>
public sealed record TargetResult(string Target, TargetStatus Status, TimeSpan Duration, string? Reason = null, string? Summary = null);

/// <summary>What a run did, target by target, in plan order.</summary>
public sealed record BuildResult(IReadOnlyList<TargetResult> Targets)
{
    public bool Succeeded => Targets.All(t => t.Status is TargetStatus.Succeeded or TargetStatus.Skipped);

    public TargetResult this[string target] => Targets.Single(t => t.Target == target);
}

/// <summary>
/// Thrown by a target that finds, while running, that there is nothing to do (a plan without changes): the
/// target is reported Skipped with the reason, and targets after it still run.
/// </summary>
public sealed class TargetSkippedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
