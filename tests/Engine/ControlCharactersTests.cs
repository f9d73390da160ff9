using BuildEngine;

namespace Tests.Engine;

/// <summary>Every UTF-16 code unit against the sets as specified: the classification is hand-written for speed.</summary>
public sealed class ControlCharactersTests
{
    private static readonly char[] Bidi = ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

    private static bool Unsafe(char c) => c < ' ' || c is >= '\u007f' and <= '\u009f' || Bidi.Contains(c);

    [Fact]
    public void Every_character_is_classified_as_specified_wherever_it_stands()
    {
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            var text = "abc" + c + "def";
            var expected = Unsafe(c) ? 3 : -1;
            Assert.True(expected == ControlCharacters.IndexOf(text), $"U+{code:X4} in the strict set");
            var allowed = c is '\n' or '\r' or '\t';
            Assert.True((allowed ? -1 : expected) == ControlCharacters.IndexOf(text, allowLineBreaks: true), $"U+{code:X4} with line breaks allowed");

            // A display keeps line feeds, tabs and ESC (tools' colours) and escapes the rest, CR included.
            var shown = Unsafe(c) && c is not ('\n' or '\t' or '\u001b');
            Assert.True(shown == (ControlCharacters.EscapeForDisplay(text) != text), $"U+{code:X4} on display");
            Assert.True(Unsafe(c) == (ControlCharacters.EscapeAll(text) != text), $"U+{code:X4} escaped for one line");
        }
    }

    [Fact]
    public void The_first_such_character_is_found_past_long_printable_and_non_ascii_runs()
    {
        var text = new string('x', 1000) + "é€漢" + new string('y', 70) + "\u202e" + "z\u0007";

        Assert.Equal(1073, ControlCharacters.IndexOf(text));
        Assert.Equal(-1, ControlCharacters.IndexOf(new string('x', 1000) + "é€漢\n\t", allowLineBreaks: true));
        Assert.Equal("a\\u202Eb\\r\nc\u001b[31m", ControlCharacters.EscapeForDisplay("a\u202eb\r\r\nc\u001b[31m"));
        Assert.Equal("a\\nb\\tc\\0", ControlCharacters.EscapeAll("a\nb\tc\0"));
    }
}
