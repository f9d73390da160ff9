namespace BuildEngine.Parameters;

/// <summary>A number parameter's values must lie between <paramref name="minimum"/> and <paramref name="maximum"/>, both included.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class RangeAttribute(long minimum, long maximum = long.MaxValue) : Attribute
{
    public long Minimum { get; } = minimum;
    public long Maximum { get; } = maximum;
}

/// <summary>
/// A string parameter's values must match <paramref name="pattern"/> as a whole; <paramref name="expected"/> says what
/// that means in words, for errors and help. Derive from it to name a format once: <c>[EnvironmentName]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public class PatternAttribute(string pattern, string expected) : Attribute
{
    public string Pattern { get; } = pattern;
    public string Expected { get; } = expected;
}

/// <summary>The value may span lines (a private key): line breaks and tabs are allowed, other control characters still not.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class MultiLineAttribute : Attribute;

/// <summary>An absolute http:// or https:// address.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class UrlAttribute : Attribute;

/// <summary>A path parameter that must name an existing file, checked before anything runs.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ExistingFileAttribute : Attribute;
