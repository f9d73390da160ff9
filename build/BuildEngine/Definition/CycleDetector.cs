using System.Collections.Immutable;

namespace BuildEngine.Definition;

/// <summary>Finds a cycle among dependencies, triggers and ordering, and names it.</summary>
/// <remarks>Indexes and plain loops, not LINQ: it runs at every start, before anything else can.</remarks>
internal static class CycleDetector
{
    private const int Unvisited = 0, Visiting = 1, Done = 2;

    public static void ThrowOnCycle(ImmutableArray<TargetNode> nodes)
    {
        var index = new Dictionary<string, int>(nodes.Length, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++) index[nodes[i].Name] = i;

        // Edges point from a target to what must run before it: its dependencies and After targets, then every target
        // that triggers it, in declaration order.
        var before = new List<int>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            if (node.DependsOn.Contains(node.Name) || node.RunsAfter.Contains(node.Name) || node.Triggers.Contains(node.Name))
                throw new DefinitionException($"Target '{node.Name}' depends on itself.");
            before[i] = [];
            foreach (var name in node.DependsOn) AddEdge(before[i], name);
            foreach (var name in node.RunsAfter) AddEdge(before[i], name);
        }
        for (var i = 0; i < nodes.Length; i++)
        {
            foreach (var triggered in nodes[i].Triggers)
            {
                if (index.TryGetValue(triggered, out var target) && !before[target].Contains(i)) before[target].Add(i);
            }
        }

        var state = new int[nodes.Length];
        var path = new List<int>();

        void AddEdge(List<int> edges, string name)
        {
            if (index.TryGetValue(name, out var target) && !edges.Contains(target)) edges.Add(target);
        }

        void Visit(int node)
        {
            state[node] = Visiting;
            path.Add(node);
            foreach (var next in before[node])
            {
                if (state[next] == Visiting)
                {
                    var cycle = new List<string>();
                    for (var i = path.IndexOf(next); i < path.Count; i++) cycle.Add(nodes[path[i]].Name);
                    cycle.Add(nodes[next].Name);
                    throw new DefinitionException("Circular dependency between targets: " + string.Join(" -> ", cycle) + ".");
                }
                if (state[next] == Unvisited) Visit(next);
            }
            path.RemoveAt(path.Count - 1);
            state[node] = Done;
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            if (state[i] == Unvisited) Visit(i);
        }
    }
}
