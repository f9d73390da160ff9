using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Pipeline.Terraform;

/// <summary>
/// Finds the end of a JSON object or array without tokenizing it: vectorized searches for the few bytes that matter
/// (brackets and quotes outside strings; inside a string only its closing quote, an escaped quote being one preceded
/// by an odd number of backslashes). It keeps its place across chunks, so a value larger than any buffer is skipped
/// as it streams past. The input is trusted to be JSON that Terraform wrote; what is skipped is never validated.
/// </summary>
internal struct JsonValueSkipper
{
    private static readonly SearchValues<byte> Structural = SearchValues.Create("{}[]\""u8);

    private int _depth;
    private bool _inString;

    /// <summary>Backslashes that ended the previous chunk inside a string (they may escape this chunk's first quote).</summary>
    private int _carriedBackslashes;

    /// <summary>Feeds the next chunk: the number of bytes up to and including the value's closing bracket, or -1 when it goes on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Advance(ReadOnlySpan<byte> chunk)
    {
        var position = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var end = AdvanceVectorized(chunk, ref position);
            if (end >= 0)
                return end;
        }
        var result = AdvanceScalar(chunk, position);
        if (result < 0 && _inString)
            Carry(chunk, 0);
        return result;
    }

    /// <summary>
    /// 32 bytes at a time: masks of quotes and brackets (<c>[</c> and <c>]</c> fold onto <c>{</c> and <c>}</c> with
    /// bit 5 set), then only the set bits are looked at. Stops before the last partial block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int AdvanceVectorized(ReadOnlySpan<byte> chunk, ref int position)
    {
        ref var first = ref MemoryMarshal.GetReference(chunk);
        var quote = Vector256.Create((byte)'"');
        var open = Vector256.Create((byte)'{');
        var close = Vector256.Create((byte)'}');
        var fold = Vector256.Create((byte)0x20);
        while (position + Vector256<byte>.Count <= chunk.Length)
        {
            var block = Vector256.LoadUnsafe(ref first, (nuint)position);
            var quotes = Vector256.Equals(block, quote).ExtractMostSignificantBits();
            var folded = block | fold;
            var all = quotes | (Vector256.Equals(folded, open) | Vector256.Equals(folded, close)).ExtractMostSignificantBits();
            var pending = _inString ? quotes : all;
            while (pending != 0)
            {
                var bit = BitOperations.TrailingZeroCount(pending);
                var at = position + bit;
                var above = bit == 31 ? 0u : ~0u << (bit + 1);
                if (_inString)
                {
                    if (PrecedingBackslashes(chunk, at) % 2 == 0)
                    {
                        _inString = false;
                        pending = all & above;
                    }
                    else
                    {
                        pending &= above;
                    }
                    _carriedBackslashes = 0;
                    continue;
                }
                switch (chunk[at])
                {
                    case (byte)'"':
                        _inString = true;
                        _carriedBackslashes = 0;
                        pending = quotes & above;
                        continue;
                    case (byte)'{' or (byte)'[':
                        _depth++;
                        break;
                    default:
                        if (--_depth == 0) return at + 1;
                        break;
                }
                pending &= above;
            }
            position += Vector256<byte>.Count;
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int AdvanceScalar(ReadOnlySpan<byte> chunk, int position)
    {
        while (position < chunk.Length)
        {
            if (_inString)
            {
                var quote = chunk[position..].IndexOf((byte)'"');
                if (quote < 0)
                    return -1;
                position += quote;
                if (PrecedingBackslashes(chunk, position) % 2 == 0)
                    _inString = false;
                _carriedBackslashes = 0;
                position++;
                continue;
            }
            var found = chunk[position..].IndexOfAny(Structural);
            if (found < 0)
                return -1;
            position += found;
            switch (chunk[position])
            {
                case (byte)'"': _inString = true; _carriedBackslashes = 0; break;
                case (byte)'{' or (byte)'[': _depth++; break;
                default:
                    if (--_depth == 0) return position + 1;
                    break;
            }
            position++;
        }
        return -1;
    }

    private readonly int PrecedingBackslashes(ReadOnlySpan<byte> chunk, int quote)
    {
        var count = 0;
        for (var i = quote - 1; i >= 0 && chunk[i] == (byte)'\\'; i--)
            count++;
        return count == quote ? count + _carriedBackslashes : count;
    }

    private void Carry(ReadOnlySpan<byte> chunk, int from)
    {
        var trailing = 0;
        for (var i = chunk.Length - 1; i >= from && chunk[i] == (byte)'\\'; i--)
            trailing++;
        _carriedBackslashes = trailing == chunk.Length - from ? _carriedBackslashes + trailing : trailing;
    }
}
