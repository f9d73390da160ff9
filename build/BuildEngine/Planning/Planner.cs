using System.Collections.Immutable;
using BuildEngine.Definition;

namespace BuildEngine.Planning;

/// <summary>
/// Turns invoked targets into an ordered plan: the invoked targets (or the default), their dependencies
/// and the targets they trigger, ordered by dependencies, triggers and After/Before. Static conditions
/// and <c>--skip</c> decide what is skipped.
/// </summary>
public static class Planner
{
    public static ExecutionPlan Plan(BuildGraph graph, IReadOnlyList<string> invoked, bool skip, IReadOnlyList<string> skipped)
    {
        var invokedNames = (invoked.Count == 0 ? [graph.DefaultTarget] : invoked).Select(n => Resolve(graph, n)).Distinct().ToList();
        var skippedNames = skipped.Select(n => Resolve(graph, n)).ToHashSet(StringComparer.Ordinal);

        var ordered = Order(graph, Closure(graph, invokedNames));

        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ordered)
        {
            var reason = SkipReason(graph[name], invokedNames.Contains(name), skip, skippedNames);
            if (reason is not null)
                reasons[name] = reason;
        }
        CascadeSkips(graph, ordered, invokedNames, reasons);

        return new ExecutionPlan([.. ordered.Select(n => new PlannedTarget(graph[n], invokedNames.Contains(n), reasons.GetValueOrDefault(n))
        {
            SkippedByOption = SkippedByOption(n, invokedNames.Contains(n), skip, skippedNames),
        })]);
    }

    /// <summary>
    /// The targets an invocation pulls in, in execution order, without evaluating any condition: what a CI
    /// generator needs, since conditions are decided when each job runs.
    /// </summary>
    public static IReadOnlyList<string> Order(BuildGraph graph, IEnumerable<string> invoked) =>
        Order(graph, Closure(graph, invoked.Select(n => Resolve(graph, n))));

    private static string Resolve(BuildGraph graph, string name)
    {
        if (graph.TryGetTarget(name, out var target))
            return target.Name;
        var listed = graph.Targets.Where(t => !t.Unlisted).Select(t => t.Name).ToList();
        var closest = NameSuggester.Closest(name, listed);
        var hint = closest is null ? "" : $"did you mean {closest}? ";
        throw new PlanningException($"Unknown target {ArgumentText.Show(name)}; {hint}Targets: {string.Join(", ", listed)}.");
    }

    private static HashSet<string> Closure(BuildGraph graph, IEnumerable<string> roots)
    {
        var included = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var name))
        {
            if (!included.Add(name)) continue;
            foreach (var next in graph[name].DependsOn.Concat(graph[name].Triggers))
                pending.Push(next);
        }
        return included;
    }

    /// <summary>Kahn's algorithm; ties keep declaration order so the plan reads like the source.</summary>
    private static List<string> Order(BuildGraph graph, HashSet<string> included)
    {
        var predecessors = included.ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var name in included)
        {
            var node = graph[name];
            foreach (var before in node.DependsOn.Concat(node.RunsAfter).Where(included.Contains))
                predecessors[name].Add(before);
            foreach (var triggered in node.Triggers.Where(included.Contains))
                predecessors[triggered].Add(name);
        }

        var ordered = new List<string>();
        var remaining = included.ToList();
        remaining.Sort((a, b) => graph[a].DeclarationIndex.CompareTo(graph[b].DeclarationIndex));
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(n => predecessors[n].All(ordered.Contains))
                ?? throw new DefinitionException("Circular ordering between targets: " + string.Join(", ", remaining) + ".");
            ordered.Add(next);
            remaining.Remove(next);
        }
        return ordered;
    }

    private static bool SkippedByOption(string name, bool invoked, bool skip, HashSet<string> skipped) =>
        (skip && skipped.Count == 0 && !invoked) || skipped.Contains(name);

    private static string? SkipReason(TargetNode target, bool invoked, bool skip, HashSet<string> skipped)
    {
        if (SkippedByOption(target.Name, invoked, skip, skipped))
            return skipped.Count == 0 ? "--skip" : $"--skip {target.Name}";
        foreach (var condition in target.StaticConditions)
        {
            bool holds;
            try
            {
                holds = condition.Evaluate();
            }
            catch (Exception e)
            {
                throw new PlanningException($"Target '{target.Name}': condition '{condition.Text}' threw {e.GetType().Name}: {e.Message}");
            }
            if (!holds)
                return $"condition false: {condition.Text}";
        }
        return null;
    }

    /// <summary>
    /// WhenSkipped(Skip): a skipped target releases its dependencies, which are skipped too unless a target that
    /// still runs (or a skipped one with the default behaviour) needs them. Skipped dependencies release theirs.
    /// </summary>
    private static void CascadeSkips(BuildGraph graph, List<string> ordered, List<string> invoked, Dictionary<string, string> reasons)
    {
        var releasing = ordered.Where(n => reasons.ContainsKey(n) && graph[n].WhenSkipped == DependencyBehavior.Skip).ToHashSet();
        bool changed;
        do
        {
            changed = false;
            foreach (var name in ordered.Where(n => !reasons.ContainsKey(n) && !invoked.Contains(n)))
            {
                var needers = ordered.Where(o => graph[o].DependsOn.Contains(name) || graph[o].Triggers.Contains(name)).ToList();
                if (needers.Count == 0 || !needers.All(releasing.Contains))
                    continue;
                reasons[name] = $"dependency of skipped {needers[0]}";
                releasing.Add(name);
                changed = true;
            }
        } while (changed);
    }
}
