using System.Text;
using BuildEngine.Parameters;
using Tests.Bootstrap;

namespace Tests.Engine.Parameters;

/// <summary>
/// The plain reader either declines a file or reads exactly what <see cref="System.Text.Json.Utf8JsonReader"/> reads:
/// on a corpus of edge cases, on the repository's own files, and on thousands of seeded mutations of them.
/// </summary>
public sealed class PlainJsonObjectTests
{
    private static readonly string[] Corpus =
    [
        """{}""", """ { } """, "{\r\n\t\"A\": \"x\"\r\n}", """{"A":"x","B":1,"C":true,"D":false}""",
        """{"A": ["x", 1, [true, ["y"]], []], "B": -0.5e+10}""", """{"A": "x", "A": "y"}""", """{"$schema": "./s.json", "A": 2}""",
        """{"$schema": [1, 2], "A": "x"}""", """{"A": 0}""", """{"A": -0}""", """{"A": 1E5}""", """{"A": 1.25e-3}""",
        // Declined: the full reader decides (and says what is wrong where something is).
        """{"A": "a\"b"}""", """{"A": "\u00e9"}""", "{\"A\": \"é\"}", """{"A": "x",}""", """{"A": ["x",]}""", "{\"A\": 1 // c\n}",
        """{"A": /* c */ 1}""", """{"A": null}""", """{"A": {"B": 1}}""", """{"A": 01}""", """{"A": 1.}""", """{"A": .5}""",
        """{"A": +1}""", """{"A": -}""", """{"A": 1e}""", """{"A": tru}""", """{"A": truex}""", """{"A": "x"} {}""", """{"A": "x"}]""",
        """[]""", """ "A" """, "", " ", """{"A" "x"}""", """{"A": "x" "B": 1}""", """{A: 1}""", """{'A': 1}""", "{\"A\": \"x\ty\"}",
        "\uFEFF{\"A\": 1}", """{"A": [1, 2""", """{"A": """, """{""", """{"A": "x"}}""", """{"A": NaN}""", """{"A": Infinity}""",
        """{"A": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""",
    ];

    [Fact]
    public void Every_case_is_declined_or_read_as_the_full_reader_reads_it()
    {
        foreach (var text in Corpus) AssertAgrees(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void Plain_files_take_the_plain_path()
    {
        string[] plain = [Corpus[0], Corpus[2], Corpus[4], Corpus[5], Corpus[6], Corpus[9], Corpus[10]];
        foreach (var text in plain)
            Assert.True(PlainJsonObject.TryRead(Encoding.UTF8.GetBytes(text)) is not null, text);
        foreach (var file in RepositoryParameterFiles())
            Assert.True(PlainJsonObject.TryRead(File.ReadAllBytes(file)) is not null, file);

        var entries = PlainJsonObject.TryRead(Encoding.UTF8.GetBytes(Corpus[4]))!;
        Assert.Equal(["x", "1", "true", "y"], entries[0].Values);
        Assert.Equal(["-0.5e+10"], entries[1].Values);
    }

    [Fact]
    public void Seeded_mutations_of_real_files_are_declined_or_read_alike()
    {
        var random = new Random(20261202);
        const string alphabet = "{}[]\",:. -+0123456789eEtrufalsn\\/\t\n\r*xé";
        var sources = RepositoryParameterFiles().Select(File.ReadAllText).Concat(Corpus.Take(12)).ToList();
        var readAsPlain = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var text = new StringBuilder(sources[random.Next(sources.Count)]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when at < text.Length: text.Remove(at, 1); break;
                    case 1 when at < text.Length: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    default: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }
            if (AssertAgrees(Encoding.UTF8.GetBytes(text.ToString()))) readAsPlain++;
        }
        // Not a vacuous check: many mutants stay plain (a changed digit, letter or space) and are compared.
        Assert.True(readAsPlain > 2_000, $"only {readAsPlain} mutants were read as plain");
    }

    /// <summary>True when the plain reader read it (and agreed).</summary>
    private static bool AssertAgrees(byte[] json)
    {
        var plain = PlainJsonObject.TryRead(json);
        if (plain is null) return false;
        var text = Encoding.UTF8.GetString(json);
        List<ParameterFileEntry> full;
        try
        {
            full = ParameterFileJson.ReadWithJsonReader(json, "f.json", _ => { });
        }
        catch (ParameterException e)
        {
            Assert.Fail($"read as plain, refused by the full reader ({e.Message}): {text}");
            return false;
        }
        var expected = full.Select(e => e.Name + "=" + string.Join("|", e.Values));
        var actual = plain.Where(e => e.Name != "$schema").Select(e => e.Name + "=" + string.Join("|", e.Values));
        Assert.True(expected.SequenceEqual(actual), $"read differently: {text}");
        return true;
    }

    private static IEnumerable<string> RepositoryParameterFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryCopy.RepositoryRoot, ".nuke"), "parameters*.json");
}
