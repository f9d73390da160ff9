using System.Runtime.CompilerServices;
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

    public static PlanSummary Read(string path, PlannedResourceSink? sink = null)
    {
        if (!File.Exists(path))
            throw new PlanParseException($"Plan file {path} does not exist; expected the output of 'terraform show -json <planfile>'.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path, InitialBufferSize, sink);
    }

    public static PlanSummary Read(Stream stream, string source, PlannedResourceSink? sink = null) => Read(stream, source, InitialBufferSize, sink);

    /// <summary>A small buffer makes tokens straddle refills: the tests use it to exercise the streaming.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static PlanSummary Read(Stream stream, string source, int bufferSize, PlannedResourceSink? sink = null)
    {
        using var utf8 = Utf8View(stream);
        var visitor = new PlanVisitor(source, sink);
        var buffer = new byte[bufferSize];
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            var length = 0;
            var position = 0;
            long offset = 0;
            while (true)
            {
                if (length == buffer.Length)
                    buffer = Grow(buffer, length);
                var read = utf8.Read(buffer, length, buffer.Length - length);
                var final = read == 0;
                length += read;
                if (final && length == 0 && offset == 0)
                    throw new PlanParseException($"{source} is not a Terraform plan: the file is empty; expected the output of 'terraform show -json <planfile>'.");

                while (true)
                {
                    var reader = new Utf8JsonReader(buffer.AsSpan(position, length - position), final, state);
                    var skip = false;
                    var capture = false;
                    try
                    {
                        while (reader.Read())
                        {
                            visitor.Visit(ref reader);
                            if (visitor.TakeSkipRequest()) { skip = true; break; }
                            if (visitor.TakeCaptureRequest()) { capture = true; break; }
                        }
                    }
                    catch (JsonException e)
                    {
                        throw new PlanParseException($"{source} is not valid JSON (near byte {offset + position + reader.BytesConsumed}: {FirstSentence(e.Message)}); expected the output of 'terraform show -json <planfile>'.");
                    }
                    state = reader.CurrentState;
                    position += (int)reader.BytesConsumed;
                    if (capture)
                    {
                        position = CaptureInBuffer(buffer, position, length, visitor);
                        continue;
                    }
                    if (!skip)
                        break;
                    var resumeAt = SkipInBuffer(buffer, position, length);
                    if (resumeAt >= 0)
                    {
                        position = resumeAt;
                        continue;
                    }
                    Compact(buffer, ref position, ref length, ref offset);
                    offset += SkipPastBuffer(utf8, buffer, ref length, out var ended);
                    final = ended;
                }
                Compact(buffer, ref position, ref length, ref offset);
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

    /// <summary>
    /// Right after a property name whose value the summary does not need: an object or array there (most of a plan:
    /// before, after, prior_state, configuration) is skipped without tokenizing. When it ends inside the buffer, its
    /// last bytes become the placeholder the reader resumes at (<c>0</c>, after the colon if still unread); returns
    /// that position. Returns the position unchanged for a scalar or a value that starts past the buffer (read as
    /// usual), and -1 for a value that goes on past the buffer.
    /// </summary>
    private static int SkipInBuffer(byte[] buffer, int position, int length) => FindValue(buffer, position, length, out var start, out var size, out var colonPending) switch
    {
        ValueExtent.InBuffer => Placeholder(buffer, start + size, colonPending),
        ValueExtent.PastBuffer => -1,
        _ => position,
    };

    private enum ValueExtent { NotAContainer, PastBuffer, InBuffer }

    /// <summary>Where the object or array after a property name starts, and its size when it ends inside the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ValueExtent FindValue(byte[] buffer, int position, int length, out int start, out int size, out bool colonPending)
    {
        size = -1;
        start = ValueStart(buffer, position, length, out colonPending);
        if (start < 0)
            return ValueExtent.NotAContainer;
        var skipper = new JsonValueSkipper();
        size = skipper.Advance(buffer.AsSpan(start, length - start));
        return size < 0 ? ValueExtent.PastBuffer : ValueExtent.InBuffer;
    }

    /// <summary>The value's last bytes become <c>0</c> (after the colon if still unread): where the reader resumes.</summary>
    private static int Placeholder(byte[] buffer, int end, bool colonPending)
    {
        buffer[end - 1] = (byte)'0';
        if (!colonPending)
            return end - 1;
        buffer[end - 2] = (byte)':';
        return end - 2;
    }

    /// <summary>
    /// Right after a property name whose value a sink wants (a watched resource's <c>after</c>): an object or array
    /// that ends inside the buffer is found by the skipper, parsed from its bytes at once and replaced by the
    /// placeholder, as a skipped value is. Anything else (a scalar, a value going on past the buffer) is left to the
    /// reader, whose tokens the visitor then re-writes.
    /// </summary>
    private static int CaptureInBuffer(byte[] buffer, int position, int length, PlanVisitor visitor)
    {
        if (FindValue(buffer, position, length, out var start, out var size, out var colonPending) != ValueExtent.InBuffer)
            return position;
        visitor.Captured(buffer.AsSpan(start, size));
        return Placeholder(buffer, start + size, colonPending);
    }

    /// <summary>Where an object or array value starts after a property name, or -1 when it is anything else.</summary>
    private static int ValueStart(byte[] buffer, int position, int length, out bool colonPending)
    {
        colonPending = false;
        var start = position;
        while (start < length && buffer[start] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)':')
            colonPending |= buffer[start++] == (byte)':';
        return start < length && buffer[start] is (byte)'{' or (byte)'[' ? start : -1;
    }

    /// <summary>
    /// The buffer starts right after a property name whose object or array value goes on past it: streams past the
    /// value and leaves what preceded it, a <c>0</c> in its place, and what follows. Returns the bytes that went unread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SkipPastBuffer(Stream utf8, byte[] buffer, ref int length, out bool ended)
    {
        ended = false;
        var start = ValueStart(buffer, 0, length, out _);
        var skipper = new JsonValueSkipper();
        skipper.Advance(buffer.AsSpan(start, length - start));
        long skipped = length - start;
        length = start;
        while (true)
        {
            var read = utf8.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                ended = true; // truncated: the reader then reports a plan that ends in the middle
                return skipped;
            }
            var size = skipper.Advance(buffer.AsSpan(length, read));
            if (size >= 0)
            {
                skipped += size;
                var end = length + size;
                buffer[start] = (byte)'0';
                buffer.AsSpan(end, length + read - end).CopyTo(buffer.AsSpan(start + 1));
                length = start + 1 + (length + read - end);
                return skipped;
            }
            skipped += read;
        }
    }

    /// <summary>Moves what the reader has not consumed to the front of the buffer.</summary>
    private static void Compact(byte[] buffer, ref int position, ref int length, ref long offset)
    {
        buffer.AsSpan(position, length - position).CopyTo(buffer);
        length -= position;
        offset += position;
        position = 0;
    }

    /// <summary>A single token (a long string) larger than the buffer: double it.</summary>
    private static byte[] Grow(byte[] buffer, int length)
    {
        var larger = new byte[buffer.Length * 2];
        buffer.AsSpan(0, length).CopyTo(larger);
        return larger;
    }

    /// <summary>The stream as UTF-8: a UTF-8 BOM is skipped, UTF-16 (with BOM) is transcoded as it is read.</summary>
    internal static Stream Utf8View(Stream stream)
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
