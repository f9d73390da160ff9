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
