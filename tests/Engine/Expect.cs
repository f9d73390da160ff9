using System.Text.RegularExpressions;

namespace Tests.Engine;

/// <summary>Assertions whose failure shows the whole output, not the first 40 characters.</summary>
public static class Expect
{
    public static void Matches(string pattern, string text) =>
        Assert.True(Regex.IsMatch(text, pattern), $"Pattern not found: {pattern}\n--- output ---\n{text}");
}
