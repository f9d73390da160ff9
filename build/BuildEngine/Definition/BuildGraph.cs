using System.Collections.Immutable;
using BuildEngine.Parameters;

namespace BuildEngine.Definition;

/// <summary>The read-only model of a build: targets, their relations, parameters. Generators read this.</summary>
public sealed class BuildGraph
{
    // A plain dictionary, never written after construction: the immutable one costs every start its JIT.
    private readonly Dictionary<string, TargetNode> _byName;

    internal BuildGraph(ImmutableArray<TargetNode> targets, ImmutableArray<ParameterNode> parameters, string defaultTarget)
    {
        Targets = targets;
        Parameters = parameters;
        DefaultTarget = defaultTarget;
        _byName = new Dictionary<string, TargetNode>(targets.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var target in targets) _byName[target.Name] = target;
    }

    /// <summary>All targets in declaration order.</summary>
    public ImmutableArray<TargetNode> Targets { get; }

    public ImmutableArray<ParameterNode> Parameters { get; }

    public string DefaultTarget { get; }

    public TargetNode this[string name] => _byName[name];

    public bool TryGetTarget(string name, out TargetNode target) => _byName.TryGetValue(name, out target!);
}
