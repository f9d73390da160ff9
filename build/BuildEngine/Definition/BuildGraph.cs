using System.Collections.Immutable;
using BuildEngine.Parameters;

namespace BuildEngine.Definition;

/// <summary>The read-only model of a build: targets, their relations, parameters. Generators read this.</summary>
public sealed class BuildGraph
{
    private readonly ImmutableDictionary<string, TargetNode> _byName;

    internal BuildGraph(ImmutableArray<TargetNode> targets, ImmutableArray<ParameterNode> parameters, string defaultTarget)
    {
        Targets = targets;
        Parameters = parameters;
        DefaultTarget = defaultTarget;
        _byName = targets.ToImmutableDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>All targets in declaration order.</summary>
    public ImmutableArray<TargetNode> Targets { get; }

    public ImmutableArray<ParameterNode> Parameters { get; }

    public string DefaultTarget { get; }

    public TargetNode this[string name] => _byName[name];

    public bool TryGetTarget(string name, out TargetNode target) => _byName.TryGetValue(name, out target!);
}
