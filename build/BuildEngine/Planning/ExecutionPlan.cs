using System.Collections.Immutable;
using BuildEngine.Definition;

namespace BuildEngine.Planning;

/// <summary>A target in the plan; <see cref="SkipReason"/> is set when it is skipped before anything runs.</summary>
public sealed record PlannedTarget(TargetNode Target, bool Invoked, string? SkipReason)
{
    public bool IsSkipped => SkipReason is not null;

    /// <summary>Skipped by <c>--skip</c>: another job runs it, which is no news for feedback.</summary>
    public bool SkippedByOption { get; init; }
}

/// <summary>The ordered targets one run executes. Immutable: execution reads it, never changes it.</summary>
public sealed record ExecutionPlan(ImmutableArray<PlannedTarget> Targets)
{
    public IEnumerable<string> Names => Targets.Select(t => t.Target.Name);
}

/// <summary>The invocation could not be planned: an unknown target, a failing static condition.</summary>
public sealed class PlanningException(string message) : Exception(message);
