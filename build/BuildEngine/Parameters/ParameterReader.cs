using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using BuildEngine.Definition;

namespace BuildEngine.Parameters;

/// <summary>Finds the [Parameter] members of a build and reads and writes their values.</summary>
internal static class ParameterReader
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static ImmutableArray<ParameterNode> Read(object build)
    {
        var nodes = new List<ParameterNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var type = build.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            // Fields and properties only, and the cheap IsDefined before any attribute is made: the build type has
            // hundreds of members, and this runs at every start.
            var members = type.GetFields(Members | BindingFlags.DeclaredOnly).Cast<MemberInfo>()
                .Concat(type.GetProperties(Members | BindingFlags.DeclaredOnly))
                .Where(m => m.IsDefined(typeof(ParameterAttribute), inherit: false))
                .ToList();
            members.Sort((a, b) => a.MetadataToken.CompareTo(b.MetadataToken));
            foreach (var member in members)
            {
                var attributes = member.GetCustomAttributes(inherit: true);
                var attribute = attributes.OfType<ParameterAttribute>().Single();
                if (!seen.Add(ParameterNames.Normalize(member.Name)))
                    throw new DefinitionException($"Parameter '{member.Name}' is declared twice (names compare without case, dashes and underscores).");
                var memberType = TypeOf(member);
                if (!ValueConverter.IsSupported(memberType))
                    throw new DefinitionException($"Parameter '{member.Name}' has type {memberType.Name}; supported are string, bool, int, long, enums, AbsolutePath and arrays of them.");
                if (member is PropertyInfo { CanWrite: false } property && BackingField(property) is null)
                    throw new DefinitionException($"Parameter '{member.Name}' is a property without a setter.");
                if (CommandLine.BuiltInOptions.Contains(ParameterNames.Normalize(member.Name)))
                    throw new DefinitionException($"Parameter '{member.Name}' clashes with the built-in option --{ParameterNames.ToKebabCase(member.Name)}.");

                var isSecret = attributes.OfType<SecretAttribute>().Any();
                nodes.Add(new ParameterNode
                {
                    Name = member.Name,
                    Description = attribute.Description,
                    Type = memberType,
                    DefaultValue = Display(GetValue(build, member), isSecret),
                    IsSecret = isSecret,
                    IsRequired = attributes.OfType<RequiredAttribute>().Any(),
                    EnvironmentVariable = attribute.EnvironmentVariable ?? ParameterNames.ToUpperSnakeCase(member.Name),
                    Constraints = ParameterConstraints.Read(member, attributes),
                    Member = member,
                });
            }
        }
        return [.. nodes];
    }

    public static object? GetValue(object build, MemberInfo member) => member switch
    {
        FieldInfo field => field.GetValue(build),
        PropertyInfo property => property.GetValue(build),
        _ => null,
    };

    public static void SetValue(object build, MemberInfo member, object? value)
    {
        switch (member)
        {
            case FieldInfo field:
                field.SetValue(build, value);
                break;
            case PropertyInfo { CanWrite: true } property:
                property.SetValue(build, value);
                break;
            case PropertyInfo property:
                BackingField(property)!.SetValue(build, value);
                break;
        }
    }

    /// <summary>The values a parameter holds, as strings, for masking and display.</summary>
    public static IEnumerable<string> Strings(object? value) => value switch
    {
        null => [],
        string text => [text],
        IEnumerable items => items.Cast<object?>().Where(i => i is not null).Select(i => i!.ToString()!),
        _ => [value.ToString()!],
    };

    public static Type TypeOf(MemberInfo member) => member switch
    {
        FieldInfo field => field.FieldType,
        PropertyInfo property => property.PropertyType,
        _ => throw new ArgumentOutOfRangeException(nameof(member)),
    };

    private static string? Display(object? value, bool isSecret)
    {
        if (value is null) return null;
        if (isSecret) return "***";
        var strings = Strings(value).ToList();
        return value is string or not IEnumerable ? strings.FirstOrDefault() : string.Join(", ", strings);
    }

    private static FieldInfo? BackingField(PropertyInfo property) =>
        property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", Members);
}
