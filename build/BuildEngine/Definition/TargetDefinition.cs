namespace BuildEngine.Definition;

/// <summary>A named condition whose source text explains a skip or an unmet requirement.</summary>
public sealed record Condition(string Text, Func<bool> Evaluate);

/// <summary>A requirement: a parameter that must be set, or an expression that must hold.</summary>
public sealed record Requirement(string Text, Func<object?> Evaluate);

/// <summary>Collects what one target's definition says; turned into an immutable <see cref="TargetNode"/>.</summary>
internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Func<CancellationToken, Task>> Actions { get; } = [];
    public List<Target> DependsOnTargets { get; } = [];
    public List<Target> DependentForTargets { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Target> TriggersTargets { get; } = [];
    public List<Target> TriggeredByTargets { get; } = [];
    public List<Condition> StaticConditions { get; } = [];
    public List<Condition> DynamicConditions { get; } = [];
    public List<Requirement> Requirements { get; } = [];
    public DependencyBehavior SkipBehavior { get; private set; } = DependencyBehavior.Execute;
    public bool ProceedsAfterFailure { get; private set; }
    public bool AssuredAfterFailureFlag { get; private set; }
    public bool IsUnlisted { get; private set; }
    public List<string> ProducedPaths { get; } = [];
    public List<(Target Target, string[] Paths)> ConsumedFiles { get; } = [];
    public Dictionary<string, string> MetadataEntries { get; } = new(StringComparer.Ordinal);
    public TimeSpan? MaxDurationValue { get; private set; }

    public ITargetDefinition Description(string description) { DescriptionText = description; return this; }

    public ITargetDefinition Executes(Action action)
    {
        Actions.Add(_ => { action(); return Task.CompletedTask; });
        return this;
    }

    public ITargetDefinition Executes(Func<Task> action) { Actions.Add(_ => action()); return this; }

    public ITargetDefinition Executes(Func<CancellationToken, Task> action) { Actions.Add(action); return this; }

    public ITargetDefinition DependsOn(params Target[] targets) { DependsOnTargets.AddRange(targets); return this; }

    public ITargetDefinition DependentFor(params Target[] targets) { DependentForTargets.AddRange(targets); return this; }

    public ITargetDefinition After(params Target[] targets) { AfterTargets.AddRange(targets); return this; }

    public ITargetDefinition Before(params Target[] targets) { BeforeTargets.AddRange(targets); return this; }

    public ITargetDefinition Triggers(params Target[] targets) { TriggersTargets.AddRange(targets); return this; }

    public ITargetDefinition TriggeredBy(params Target[] targets) { TriggeredByTargets.AddRange(targets); return this; }

    public ITargetDefinition OnlyWhenStatic(Func<bool> condition, string text = "")
    {
        StaticConditions.Add(new Condition(CleanExpression(text), condition));
        return this;
    }

    public ITargetDefinition OnlyWhenDynamic(Func<bool> condition, string text = "")
    {
        DynamicConditions.Add(new Condition(CleanExpression(text), condition));
        return this;
    }

    public ITargetDefinition Requires(Func<object?> requirement, string text = "")
    {
        Requirements.Add(new Requirement(CleanExpression(text), requirement));
        return this;
    }

    public ITargetDefinition WhenSkipped(DependencyBehavior behavior) { SkipBehavior = behavior; return this; }

    public ITargetDefinition ProceedAfterFailure() { ProceedsAfterFailure = true; return this; }

    public ITargetDefinition AssuredAfterFailure() { AssuredAfterFailureFlag = true; return this; }

    public ITargetDefinition Unlisted() { IsUnlisted = true; return this; }

    public ITargetDefinition Produces(params string[] paths) { ProducedPaths.AddRange(paths); return this; }

    public ITargetDefinition Consumes(Target target, params string[] paths)
    {
        ConsumedFiles.Add((target, paths));
        return this;
    }

    public ITargetDefinition MaxDuration(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            throw new DefinitionException($"MaxDuration must be positive, got {duration}.");
        MaxDurationValue = duration;
        return this;
    }

    public ITargetDefinition Metadata(string key, string value) { MetadataEntries[key] = value; return this; }

    /// <summary>Turns <c>() => Ci.IsMain || Force</c> into <c>Ci.IsMain || Force</c>.</summary>
    internal static string CleanExpression(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("()", StringComparison.Ordinal))
        {
            var arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
            if (arrow > 0)
                trimmed = trimmed[(arrow + 2)..].Trim();
        }
        return string.Join(' ', trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
