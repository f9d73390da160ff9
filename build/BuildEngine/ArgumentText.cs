namespace BuildEngine;

/// <summary>
/// How an argument the user typed is quoted back in an error. A multi-line or very long argument is never echoed:
/// it is most likely a key or a token pasted into the wrong place. Control and bidirectional characters are shown
/// escaped, so the line reads as what the value holds.
/// </summary>
public static class ArgumentText
{
    public const int LongestShown = 120;

    public static string Show(string argument)
    {
        if (argument.Contains('\n') || argument.Contains('\r'))
            return $"(an argument of {argument.Split('\n').Length} lines, not shown)";
        if (argument.Length > LongestShown)
            return $"(an argument of {argument.Length} characters, not shown)";
        return $"'{ControlCharacters.EscapeAll(argument)}'";
    }
}
