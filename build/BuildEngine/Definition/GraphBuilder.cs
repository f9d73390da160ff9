using System.Collections.Immutable;
using System.Reflection;
using BuildEngine.Parameters;

namespace BuildEngine.Definition;

/// <summary>A mistake in the build's own definition (a cycle, an unknown reference): a developer error.</summary>
public sealed class DefinitionException(string message) : Exception(message);

/// <summary>Reads a build object by reflection and turns its target properties into an immutable graph.</summary>
internal static class GraphBuilder
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The default target is the delegate its property returns (<c>x => x.Validate</c>): a plain delegate, since
    /// an expression tree would load and run System.Linq.Expressions on every start.</summary>
    public static BuildGraph Build(object build, Target defaultTarget)
    {
        var properties = TargetProperties(build.GetType());
        var definitions = new List<(string Name, TargetDefinition Definition)>();
        var namesByMethod = new Dictionary<MethodInfo, string>();
        foreach (var property in properties)
        {
            var target = (Target)property.GetValue(build)!;
            namesByMethod[target.Method] = property.Name;
            var definition = new TargetDefinition();
            target(definition);
            definitions.Add((property.Name, definition));
        }

        string NameOf(Target target, string referencedBy) =>
            namesByMethod.TryGetValue(target.Method, out var name)
                ? name
                : throw new DefinitionException($"Target '{referencedBy}' references a target that is not a Target property of {build.GetType().Name}.");

        ImmutableArray<string> Names(string owner, IEnumerable<Target> targets) =>
            [.. targets.Select(t => NameOf(t, owner)).Distinct()];

        // Each reference resolved once (a delegate's Method is reflection): who names a target in a relation, in declaration order.
        Dictionary<string, List<string>> Inverted(Func<TargetDefinition, List<Target>> relation)
        {
            var inverted = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (name, definition) in definitions)
            {
                foreach (var target in relation(definition).Select(t => NameOf(t, name)).Distinct())
                {
                    if (!inverted.TryGetValue(target, out var names)) inverted[target] = names = [];
                    names.Add(name);
                }
            }
            return inverted;
        }
        ImmutableArray<string> Inverse(string name, Dictionary<string, List<string>> inverted) =>
            inverted.TryGetValue(name, out var names) ? [.. names] : [];

        if (!namesByMethod.TryGetValue(defaultTarget.Method, out var defaultName))
            throw new DefinitionException($"The default target must be a Target property of {build.GetType().Name}, given as x => x.Name.");

        var dependentFor = Inverted(x => x.DependentForTargets);
        var triggeredBy = Inverted(x => x.TriggeredByTargets);
        var before = Inverted(x => x.BeforeTargets);

        // A loop, not LINQ over the (name, definition) tuples: LINQ over a tuple has no precompiled code.
        var nodes = ImmutableArray.CreateBuilder<TargetNode>(definitions.Count);
        for (var index = 0; index < definitions.Count; index++)
        {
            var (name, d) = definitions[index];
            nodes.Add(new TargetNode
            {
                Name = name,
                DeclarationIndex = index,
                Description = d.DescriptionText,
                DependsOn = Names(name, d.DependsOnTargets).Union(Inverse(name, dependentFor)).ToImmutableArray(),
                Triggers = Names(name, d.TriggersTargets).Union(Inverse(name, triggeredBy)).ToImmutableArray(),
                RunsAfter = Names(name, d.AfterTargets).Union(Inverse(name, before)).ToImmutableArray(),
                StaticConditions = [.. d.StaticConditions],
                DynamicConditions = [.. d.DynamicConditions],
                Requirements = [.. d.Requirements],
                WhenSkipped = d.SkipBehavior,
                ProceedAfterFailure = d.ProceedsAfterFailure,
                AssuredAfterFailure = d.AssuredAfterFailureFlag,
                Unlisted = d.IsUnlisted,
                IsDefault = name == defaultName,
                Produces = [.. d.ProducedPaths],
                Consumes = Consumed(name, d),
                Metadata = d.MetadataEntries.Count == 0 ? ImmutableDictionary<string, string>.Empty : d.MetadataEntries.ToImmutableDictionary(),
                MaxDuration = d.MaxDurationValue,
                Actions = [.. d.Actions],
            });
        }

        ImmutableArray<ConsumedFiles> Consumed(string name, TargetDefinition definition)
        {
            var consumed = ImmutableArray.CreateBuilder<ConsumedFiles>(definition.ConsumedFiles.Count);
            foreach (var (target, paths) in definition.ConsumedFiles)
                consumed.Add(new ConsumedFiles(NameOf(target, name), [.. paths]));
            return consumed.MoveToImmutable();
        }

        var targets = nodes.MoveToImmutable();
        CycleDetector.ThrowOnCycle(targets);
        return new BuildGraph(targets, ParameterReader.Read(build), defaultName);
    }

    private static IEnumerable<PropertyInfo> TargetProperties(Type type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<PropertyInfo>();
        // Base classes first, so declaration order reads top to bottom like the source.
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            var declared = t.GetProperties(Members | BindingFlags.DeclaredOnly)
                .Where(p => p.PropertyType == typeof(Target) && p.GetIndexParameters().Length == 0)
                .ToList();
            // List.Sort, not OrderBy: OrderBy's int keys have no precompiled code and cost each start their compile.
            declared.Sort((a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            ordered.InsertRange(0, declared);
        }
        return ordered.Where(p => seen.Add(p.Name));
    }
}
