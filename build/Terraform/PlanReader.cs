using System.Text;
using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// Reads <c>terraform show -json</c> output as a stream with <see cref="Utf8JsonReader"/>: a plan of hundreds of
/// megabytes is never loaded whole; memory grows with the number of addresses, not the size of the values.
/// Accepts format 0.x and 1.x, a missing <c>resource_changes</c>, drift entries without <c>address</c>, and UTF-16
/// with a byte order mark (what PowerShell's <c>&gt;</c> writes).
/// </summary>
public static class PlanReader
{
    private const int InitialBufferSize = 1 << 20;

    public static PlanSummary Read(string path)
    {
        if (!File.Exists(path))
            throw new PlanParseException($"Plan file {path} does not exist; expected the output of 'terraform show -json <planfile>'.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    public static PlanSummary Read(Stream stream, string source) => Read(stream, source, InitialBufferSize);

    /// <summary>A small buffer makes tokens straddle refills: the tests use it to exercise the streaming.</summary>
    internal static PlanSummary Read(Stream stream, string source, int bufferSize)
    {
        using var utf8 = Utf8View(stream);
        var visitor = new PlanVisitor(source);
        var buffer = new byte[bufferSize];
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            var length = 0;
            var final = false;
            long offset = 0;
            while (true)
            {
                if (length == buffer.Length)
                    buffer = Grow(buffer, length);
                var read = utf8.Read(buffer, length, buffer.Length - length);
                final = read == 0;
                length += read;
                if (final && length == 0 && offset == 0)
                    throw new PlanParseException($"{source} is not a Terraform plan: the file is empty; expected the output of 'terraform show -json <planfile>'.");

                var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
                try
                {
                    while (reader.Read())
                        visitor.Visit(ref reader);
                }
                catch (JsonException e)
                {
                    throw new PlanParseException($"{source} is not valid JSON (near byte {offset + reader.BytesConsumed}: {FirstSentence(e.Message)}); expected the output of 'terraform show -json <planfile>'.");
                }
                state = reader.CurrentState;
                var consumed = (int)reader.BytesConsumed;
                offset += consumed;
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
                if (final)
                    break;
            }
            return visitor.Finish();
        }
        catch (DecoderFallbackException)
        {
            throw new PlanParseException($"{source} is not valid UTF-16 text; expected the output of 'terraform show -json <planfile>'.");
        }
    }

    /// <summary>A single token (a long string) larger than the buffer: double it.</summary>
    private static byte[] Grow(byte[] buffer, int length)
    {
        var larger = new byte[buffer.Length * 2];
        buffer.AsSpan(0, length).CopyTo(larger);
        return larger;
    }

    /// <summary>The stream as UTF-8: a UTF-8 BOM is skipped, UTF-16 (with BOM) is transcoded as it is read.</summary>
    private static Stream Utf8View(Stream stream)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> bom = stackalloc byte[3];
        var read = buffered.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        Encoding? encoding = read >= 2 && bom[0] == 0xFF && bom[1] == 0xFE ? Encoding.Unicode
            : read >= 2 && bom[0] == 0xFE && bom[1] == 0xFF ? Encoding.BigEndianUnicode
            : null;
        if (read == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)
            return new PrefixedStream([], buffered);
        var prefix = bom[..read].ToArray();
        if (encoding is null)
            return new PrefixedStream(prefix, buffered);
        // Drop the two BOM bytes; the transcoder reads the rest.
        return Encoding.CreateTranscodingStream(new PrefixedStream(prefix[2..], buffered), encoding, Encoding.UTF8);
    }

    private static string FirstSentence(string message) => message.Split(". ")[0].TrimEnd('.');
}
