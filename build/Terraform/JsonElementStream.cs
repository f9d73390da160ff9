using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// Walks a JSON document of any size token by token and hands over, as small documents of their own, only the values
/// a selector asks for (one resource change, one output): memory is the buffer and the largest value taken, not the
/// document. Every other value is read through and forgotten, however large.
/// </summary>
internal static class JsonElementStream
{
    /// <summary>An array item's place in a path.</summary>
    public const string Item = "[]";

    private const int InitialBufferSize = 1 << 20;

    /// <param name="take">Given the path of a value (property names, <see cref="Item"/> for array items), whether to hand it over whole.</param>
    /// <param name="onValue">Receives each value taken with its path; the element lives only during the call.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Read(Stream utf8, Func<IReadOnlyList<string>, bool> take, Action<IReadOnlyList<string>, JsonElement> onValue, int bufferSize = InitialBufferSize)
    {
        var buffer = new byte[bufferSize];
        var length = 0;
        var position = 0;
        var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var path = new List<string>();
        // Per open container: whether it is an array (its values are items, not named).
        var arrays = new Stack<bool>();
        var final = false;
        while (true)
        {
            if (!final)
            {
                if (position > 0)
                {
                    buffer.AsSpan(position, length - position).CopyTo(buffer);
                    length -= position;
                    position = 0;
                }
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                var read = utf8.Read(buffer, length, buffer.Length - length);
                final = read == 0;
                length += read;
            }
            var reader = new Utf8JsonReader(buffer.AsSpan(position, length - position), final, state);
            var needMore = false;
            while (true)
            {
                var before = reader.CurrentState;
                var consumedBefore = reader.BytesConsumed;
                if (!reader.Read())
                    break;
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    path.Add(reader.GetString()!);
                    continue;
                }
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    arrays.Pop();
                    EndValue(path);
                    continue;
                }
                var inArray = arrays.Count > 0 && arrays.Peek();
                if (inArray) path.Add(Item);
                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray && arrays.Count > 0 && take(path))
                {
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        // The value does not end in the buffer yet: read on from its first token with more bytes.
                        if (inArray) path.RemoveAt(path.Count - 1);
                        state = before;
                        position += (int)consumedBefore;
                        needMore = true;
                        break;
                    }
                    using (var document = JsonDocument.ParseValue(ref reader))
                        onValue(path, document.RootElement);
                    EndValue(path);
                    continue;
                }
                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    arrays.Push(token == JsonTokenType.StartArray);
                    continue;
                }
                if (arrays.Count > 0 && take(path))
                {
                    using var document = JsonDocument.ParseValue(ref reader);
                    onValue(path, document.RootElement);
                }
                EndValue(path);
            }
            if (needMore)
            {
                if (final) throw new JsonException("The JSON ends in the middle of a value.");
                continue;
            }
            state = reader.CurrentState;
            position += (int)reader.BytesConsumed;
            if (final)
            {
                if (arrays.Count > 0) throw new JsonException("The JSON ends in the middle of a value.");
                return;
            }
        }
    }

    /// <summary>A value ended: it leaves the path (its property name, or its array item marker); the root has none.</summary>
    private static void EndValue(List<string> path)
    {
        if (path.Count > 0)
            path.RemoveAt(path.Count - 1);
    }
}
