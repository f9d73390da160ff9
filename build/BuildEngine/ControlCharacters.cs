using System.Globalization;
using System.Text;

namespace BuildEngine;

/// <summary>
/// Characters that change how a line reads rather than what it says: C0 and C1 controls, DEL, the line and paragraph
/// separators, and the bidirectional overrides, embeddings, isolates and marks (a U+202E makes a line display
/// reversed). Parameters refuse them; everything the engine shows escapes them.
/// </summary>
public static class ControlCharacters
{
    /// <summary>Which characters count: all of them, all but CR, LF and tab, or those a display escapes.</summary>
    private enum Set { All, ExceptLineBreaks, ForDisplay }

    /// <summary>The position of the first such character, or -1; <paramref name="allowLineBreaks"/> admits CR, LF and tab.</summary>
    public static int IndexOf(string value, bool allowLineBreaks = false) =>
        IndexOf(value, allowLineBreaks ? Set.ExceptLineBreaks : Set.All);

    /// <summary><c>U+202E</c>: how a character is named in an error.</summary>
    public static string Name(char c) => $"U+{(int)c:X4}";

    /// <summary>
    /// Text for a console line, a log or a message: such characters become visible escapes (<c>\r</c>, <c>\u202E</c>);
    /// line feeds (CRLF read as one), tabs and ESC (tools' colours) stay.
    /// </summary>
    public static string EscapeForDisplay(string text)
    {
        if (IndexOf(text, Set.ForDisplay) < 0) return text;
        if (text.Contains("\r\n", StringComparison.Ordinal)) text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var span = text.AsSpan();
        var first = IndexOf(span, Set.ForDisplay);
        if (first < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        builder.Append(span[..first]);
        foreach (var c in span[first..])
        {
            if (IsUnsafe(c, Set.ForDisplay)) AppendEscape(builder, c);
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Every such character escaped, line breaks included: one line whatever the value holds.</summary>
    public static string EscapeAll(string text)
    {
        if (IndexOf(text) < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c, Set.All)) AppendEscape(builder, c);
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static void AppendEscape(StringBuilder builder, char c) => builder.Append(c switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\0' => "\\0",
        _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
    });

    /// <summary>
    /// Printable ASCII is skipped vectorized, the rest classified one by one. Not SearchValues: building one for these
    /// sets costs every start about 10 ms.
    /// </summary>
    private static int IndexOf(ReadOnlySpan<char> text, Set set)
    {
        for (var start = 0; ;)
        {
            var next = text[start..].IndexOfAnyExceptInRange(' ', '~');
            if (next < 0) return -1;
            var at = start + next;
            if (IsUnsafe(text[at], set)) return at;
            start = at + 1;
        }
    }

    /// <summary>ESC starts the colour sequences tools print; tab and line feed lay text out.</summary>
    private static bool IsUnsafe(char c, Set set) => c switch
    {
        '\n' or '\t' => set == Set.All,
        '\r' => set != Set.ExceptLineBreaks,
        '\u001b' => set != Set.ForDisplay,
        < ' ' => true,
        >= '\u007f' and <= '\u009f' => true,
        // Arabic letter mark, LRM, RLM, the separators, embeddings and overrides (LRE…RLO), isolates (LRI…PDI).
        '\u061c' or '\u200e' or '\u200f' or (>= '\u2028' and <= '\u202e') or (>= '\u2066' and <= '\u2069') => true,
        _ => false,
    };
}
