using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace BuildEngine.Parameters;

/// <summary>
/// What a parameter's values must be beyond their type: a range, a pattern, an address, an existing file, and for
/// every value a single line without control or bidirectional characters unless the parameter is multi-line.
/// </summary>
public sealed record ParameterConstraints
{
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }
    public string? Pattern { get; init; }
    public string? PatternExpected { get; init; }
    public bool IsMultiLine { get; init; }
    public bool IsUrl { get; init; }
    public bool MustExist { get; init; }

    private Regex? _regex;

    /// <param name="attributes">The member's attributes, read once by the caller (each lookup of one costs at every start).</param>
    internal static ParameterConstraints Read(MemberInfo member, IReadOnlyList<object> attributes)
    {
        var range = attributes.OfType<RangeAttribute>().FirstOrDefault();
        var pattern = attributes.OfType<PatternAttribute>().FirstOrDefault();
        if (range is { } r && r.Minimum > r.Maximum)
            throw new Definition.DefinitionException($"Parameter '{member.Name}' has an empty range {r.Minimum}..{r.Maximum}.");
        return new ParameterConstraints
        {
            Minimum = range?.Minimum,
            Maximum = range is null || range.Maximum == long.MaxValue ? null : range.Maximum,
            Pattern = pattern?.Pattern,
            PatternExpected = pattern?.Expected,
            IsMultiLine = attributes.OfType<MultiLineAttribute>().Any(),
            IsUrl = attributes.OfType<UrlAttribute>().Any(),
            MustExist = attributes.OfType<ExistingFileAttribute>().Any(),
        };
    }

    /// <summary>The range in words for help and errors: <c>1 to 65535</c>, <c>at least 1</c>; null without one.</summary>
    public string? RangeText => (Minimum, Maximum) switch
    {
        ({ } min, { } max) => $"{min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}",
        ({ } min, null) => $"at least {min.ToString(CultureInfo.InvariantCulture)}",
        (null, { } max) => $"at most {max.ToString(CultureInfo.InvariantCulture)}",
        _ => null,
    };

    /// <summary>What the help shows after the type, or null when only the general text rule applies.</summary>
    public string? Describe() =>
        RangeText is { } range ? range
        : PatternExpected is { } expected ? expected
        : IsUrl ? "an http(s) URL"
        : MustExist ? "an existing file"
        : null;

    /// <summary>
    /// The longest single-line value: a path (PATH_MAX), a public key, an address all fit. Secrets (tokens) and
    /// multi-line values are never echoed and have no limit.
    /// </summary>
    public const int LongestLine = 4096;

    /// <summary>Why a raw value is refused before it is converted (a control character, a huge value), or null.</summary>
    internal string? CheckRaw(string value, bool isSecret)
    {
        if (!IsMultiLine && !isSecret && value.Length > LongestLine)
            return $"a single line of at most {LongestLine} characters";
        var index = ControlCharacters.IndexOf(value, IsMultiLine);
        if (index < 0) return null;
        var rule = IsMultiLine ? "text without control or bidirectional characters" : "a single line without control or bidirectional characters";
        return $"{rule} (found {ControlCharacters.Name(value[index])} at position {index + 1})";
    }

    /// <summary>Why a string value does not fit the pattern or address rule, or null.</summary>
    internal string? CheckText(string value)
    {
        if (Pattern is not null)
        {
            _regex ??= new Regex($@"\A(?:{Pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (!_regex.IsMatch(value)) return PatternExpected;
        }
        if (IsUrl && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
            return "an absolute http:// or https:// URL";
        return null;
    }

    /// <summary>What a number parameter expects in words: <c>a whole number from 1 to 65535</c>.</summary>
    internal string NumberExpected => RangeText is null
        ? "a whole number"
        : $"a whole number {(Minimum is not null && Maximum is not null ? "from " : "")}{RangeText}";

    /// <summary>Why a number is out of range, or null.</summary>
    internal string? CheckNumber(long value) =>
        (Minimum is { } min && value < min) || (Maximum is { } max && value > max) ? NumberExpected : null;
}
