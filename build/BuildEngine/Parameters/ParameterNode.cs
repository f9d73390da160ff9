using System.Reflection;

namespace BuildEngine.Parameters;

/// <summary>One parameter of the build, as generators and help see it.</summary>
public sealed record ParameterNode
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required Type Type { get; init; }
    public required string? DefaultValue { get; init; }
    public required bool IsSecret { get; init; }
    public required bool IsRequired { get; init; }

    /// <summary>The canonical environment variable name, e.g. <c>AWS_REGION</c> for <c>AwsRegion</c>.</summary>
    public required string EnvironmentVariable { get; init; }

    /// <summary>The command-line option, e.g. <c>--aws-region</c>.</summary>
    public string Option => "--" + ParameterNames.ToKebabCase(Name);

    /// <summary>Range, pattern, address or file rules the values must meet (always: no control characters).</summary>
    public ParameterConstraints Constraints { get; init; } = new();

    internal MemberInfo Member { get; init; } = null!;

    public string TypeDisplay => ValueConverter.Describe(Type);
}
