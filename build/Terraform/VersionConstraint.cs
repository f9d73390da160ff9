using System.Text.RegularExpressions;

namespace Pipeline.Terraform;

/// <summary>A Terraform version constraint such as <c>&gt;= 1.6.0, &lt; 2.0.0</c> or <c>~&gt; 1.9</c>.</summary>
public sealed partial record VersionConstraint(string Text)
{
    public bool IsSatisfiedBy(Version version) =>
        Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(part => Holds(part, version));

    /// <summary>The <c>required_version</c> of the root module's .tf files, or null when none says.</summary>
    public static VersionConstraint? FromModule(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.tf").Order(StringComparer.Ordinal))
        {
            var match = RequiredVersion().Match(File.ReadAllText(file));
            if (match.Success)
                return new VersionConstraint(match.Groups[1].Value);
        }
        return null;
    }

    private static bool Holds(string part, Version version)
    {
        var match = Clause().Match(part);
        if (!match.Success)
            throw new FormatException($"Version constraint '{part}' is not of the form '<operator> <version>'.");
        var op = match.Groups[1].Value;
        var wanted = Parse(match.Groups[2].Value);
        var segments = match.Groups[2].Value.Split('.').Length;
        return op switch
        {
            "" or "=" => Compare(version, wanted) == 0,
            "!=" => Compare(version, wanted) != 0,
            ">" => Compare(version, wanted) > 0,
            ">=" => Compare(version, wanted) >= 0,
            "<" => Compare(version, wanted) < 0,
            "<=" => Compare(version, wanted) <= 0,
            // ~> 1.9 allows 1.x from 1.9; ~> 1.9.3 allows 1.9.x from 1.9.3.
            "~>" => Compare(version, wanted) >= 0 && (segments <= 2 ? version.Major == wanted.Major : version.Major == wanted.Major && version.Minor == wanted.Minor),
            _ => throw new FormatException($"Unknown version operator '{op}'."),
        };
    }

    private static int Compare(Version a, Version b) =>
        (a.Major, a.Minor, Math.Max(a.Build, 0)).CompareTo((b.Major, b.Minor, Math.Max(b.Build, 0)));

    public static Version Parse(string text)
    {
        var core = text.Trim().TrimStart('v').Split('-', '+')[0];
        if (!core.Contains('.')) core += ".0";
        return Version.Parse(core);
    }

    [GeneratedRegex("""required_version\s*=\s*"([^"]+)"  """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex RequiredVersion();

    [GeneratedRegex(@"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?([0-9]+(?:\.[0-9]+){0,2})\s*$")]
    private static partial Regex Clause();
}
