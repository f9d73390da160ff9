using System.Buffers;
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
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(BuildUnsafe(allowLineBreaks: false));
    private static readonly SearchValues<char> UnsafeExceptLineBreaks = SearchValues.Create(BuildUnsafe(allowLineBreaks: true));

    /// <summary>ESC starts the colour sequences tools print; tab and line feed lay text out.</summary>
    private static readonly SearchValues<char> UnsafeForDisplay = SearchValues.Create(BuildUnsafe(allowLineBreaks: true).Replace("\u001b", "") + "\r");

    /// <summary>The position of the first such character, or -1; <paramref name="allowLineBreaks"/> admits CR, LF and tab.</summary>
    public static int IndexOf(string value, bool allowLineBreaks = false) =>
        value.AsSpan().IndexOfAny(allowLineBreaks ? UnsafeExceptLineBreaks : Unsafe);

    /// <summary><c>U+202E</c>: how a character is named in an error.</summary>
    public static string Name(char c) => $"U+{(int)c:X4}";

    /// <summary>
    /// Text for a console line, a log or a message: such characters become visible escapes (<c>\r</c>, <c>\u202E</c>);
    /// line feeds (CRLF read as one), tabs and ESC (tools' colours) stay.
    /// </summary>
    public static string EscapeForDisplay(string text)
    {
        if (text.AsSpan().IndexOfAny(UnsafeForDisplay) < 0) return text;
        if (text.Contains("\r\n", StringComparison.Ordinal)) text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var span = text.AsSpan();
        var first = span.IndexOfAny(UnsafeForDisplay);
        if (first < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        builder.Append(span[..first]);
        foreach (var c in span[first..])
        {
            if (UnsafeForDisplay.Contains(c)) AppendEscape(builder, c);
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
            if (Unsafe.Contains(c)) AppendEscape(builder, c);
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

    private static string BuildUnsafe(bool allowLineBreaks)
    {
        var characters = new StringBuilder();
        for (var c = '\0'; c < ' '; c++)
        {
            if (allowLineBreaks && c is '\n' or '\r' or '\t') continue;
            characters.Append(c);
        }
        for (var c = '\u007f'; c <= '\u009f'; c++)
            characters.Append(c);
        // Arabic letter mark, LRM, RLM, the separators, embeddings and overrides (LRE…RLO), isolates (LRI…PDI).
        characters.Append("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069");
        return characters.ToString();
    }
}
