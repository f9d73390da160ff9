namespace BuildEngine.Definition;

/// <summary>A target, declared NUKE-style as <c>Target Name => _ => _.DependsOn(...).Executes(...)</c>.</summary>
public delegate ITargetDefinition Target(ITargetDefinition definition);

/// <summary>What happens to a skipped target's dependencies.</summary>
public enum DependencyBehavior
{
    /// <summary>Dependencies still run (the default).</summary>
    Execute,

    /// <summary>Dependencies that nothing else needs are skipped too.</summary>
    Skip,
}
