namespace BuildEngine.Parameters;

/// <summary>Marks a field or property as a build parameter; its initializer is the default.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string description = "") : Attribute
{
    public string Description { get; } = description;

    /// <summary>The environment variable shown in help and docs (any name that normalizes alike is read too).</summary>
    /// <remarks>A field, not a property: the runtime sets a property argument through a stub it compiles at every start.</remarks>
    public string? EnvironmentVariable;
}

/// <summary>The parameter's value is masked as <c>***</c> in everything the engine writes.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>The build refuses to run targets while this parameter has no value.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;
