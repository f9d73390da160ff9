using System.Runtime.CompilerServices;

namespace BuildEngine.Definition;

/// <summary>The fluent definition API of a target; the same verbs as NUKE's.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string description);

    ITargetDefinition Executes(Action action);

    ITargetDefinition Executes(Func<Task> action);

    ITargetDefinition Executes(Func<CancellationToken, Task> action);

    ITargetDefinition DependsOn(params Target[] targets);

    ITargetDefinition DependentFor(params Target[] targets);

    ITargetDefinition After(params Target[] targets);

    ITargetDefinition Before(params Target[] targets);

    ITargetDefinition Triggers(params Target[] targets);

    ITargetDefinition TriggeredBy(params Target[] targets);

    /// <summary>Evaluated once before anything runs; when false the target is skipped with the condition's text as reason.</summary>
    ITargetDefinition OnlyWhenStatic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string text = "");

    /// <summary>Evaluated right before the target runs, after its dependencies.</summary>
    ITargetDefinition OnlyWhenDynamic(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string text = "");

    /// <summary>A parameter that must be set (non-null, non-empty), or a boolean expression that must hold.</summary>
    ITargetDefinition Requires(Func<object?> requirement, [CallerArgumentExpression(nameof(requirement))] string text = "");

    ITargetDefinition WhenSkipped(DependencyBehavior behavior);

    /// <summary>When this target fails, the targets that do not depend on it still run.</summary>
    ITargetDefinition ProceedAfterFailure();

    /// <summary>This target runs even after an earlier target failed (clean-up, reporting).</summary>
    ITargetDefinition AssuredAfterFailure();

    ITargetDefinition Unlisted();

    /// <summary>Files this target writes for later targets (paths or globs, relative to the root).</summary>
    ITargetDefinition Produces(params string[] paths);

    /// <summary>Files of another target that this one reads; by default everything that target produces.</summary>
    ITargetDefinition Consumes(Target target, params string[] paths);

    /// <summary>
    /// How long the target may run. Past it the target is stopped (its tools interrupted) and fails; CI jobs get it as
    /// their no-output limit, so a tool that is silent for long (Packer waiting for an AMI) is not killed half-way.
    /// </summary>
    ITargetDefinition MaxDuration(TimeSpan duration);

    /// <summary>Free-form metadata that generators (CI configuration, dashboards) read.</summary>
    ITargetDefinition Metadata(string key, string value);
}
