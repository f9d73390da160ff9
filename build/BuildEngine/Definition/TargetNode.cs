using System.Collections.Immutable;

namespace BuildEngine.Definition;

/// <summary>Files a target reads that another target produced.</summary>
public sealed record ConsumedFiles(string Target, ImmutableArray<string> Paths);

/// <summary>One target of the graph, immutable, with every relation normalized to names.</summary>
public sealed record TargetNode
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required int DeclarationIndex { get; init; }

    /// <summary>DependsOn, plus targets that declared <c>DependentFor</c> this one.</summary>
    public ImmutableArray<string> DependsOn { get; init; } = [];

    /// <summary>Triggers, plus targets that declared <c>TriggeredBy</c> this one.</summary>
    public ImmutableArray<string> Triggers { get; init; } = [];

    /// <summary>After, plus targets that declared <c>Before</c> this one. Ordering only; never pulls a target in.</summary>
    public ImmutableArray<string> RunsAfter { get; init; } = [];

    public ImmutableArray<Condition> StaticConditions { get; init; } = [];
    public ImmutableArray<Condition> DynamicConditions { get; init; } = [];
    public ImmutableArray<Requirement> Requirements { get; init; } = [];
    public DependencyBehavior WhenSkipped { get; init; }
    public bool ProceedAfterFailure { get; init; }
    public bool AssuredAfterFailure { get; init; }
    public bool Unlisted { get; init; }
    public bool IsDefault { get; init; }
    public ImmutableArray<string> Produces { get; init; } = [];
    public ImmutableArray<ConsumedFiles> Consumes { get; init; } = [];
    /// <summary>How long the target may run; null when it did not say.</summary>
    public TimeSpan? MaxDuration { get; init; }
    public ImmutableDictionary<string, string> Metadata { get; init; } = ImmutableDictionary<string, string>.Empty;
    internal ImmutableArray<Func<CancellationToken, Task>> Actions { get; init; } = [];
}
