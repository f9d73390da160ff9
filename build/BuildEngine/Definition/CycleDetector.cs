using System.Collections.Immutable;

namespace BuildEngine.Definition;

/// <summary>Finds a cycle among dependencies, triggers and ordering, and names it.</summary>
internal static class CycleDetector
{
    public static void ThrowOnCycle(ImmutableArray<TargetNode> nodes)
    {
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        // Edges point from a target to what must run before it.
        var before = nodes.ToDictionary(
            n => n.Name,
            n => n.DependsOn.Concat(n.RunsAfter)
                .Concat(nodes.Where(o => o.Triggers.Contains(n.Name)).Select(o => o.Name))
                .Distinct()
                .ToList());

        foreach (var node in nodes)
        {
            if (node.DependsOn.Contains(node.Name) || node.RunsAfter.Contains(node.Name) || node.Triggers.Contains(node.Name))
                throw new DefinitionException($"Target '{node.Name}' depends on itself.");
        }

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var stack = new List<string>();

        void Visit(string name)
        {
            state[name] = 1;
            stack.Add(name);
            foreach (var next in before[name])
            {
                if (!byName.ContainsKey(next)) continue;
                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(next)).Append(next);
                    throw new DefinitionException("Circular dependency between targets: " + string.Join(" -> ", cycle) + ".");
                }
                if (state.GetValueOrDefault(next) == 0)
                    Visit(next);
            }
            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
        }

        foreach (var node in nodes)
        {
            if (state.GetValueOrDefault(node.Name) == 0)
                Visit(node.Name);
        }
    }
}
