using System.Diagnostics;
using System.Text.Json;

// Usage: bare-reader <file.json>. Prints "<seconds> <MB/s> <tokens>" for one streaming pass with a 1 MiB buffer.
var path = args[0];
var stopwatch = Stopwatch.StartNew();
using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
var buffer = new byte[1 << 20];
var state = new JsonReaderState();
var length = 0;
long tokens = 0;
while (true)
{
    var read = stream.Read(buffer, length, buffer.Length - length);
    var final = read == 0;
    length += read;
    var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
    while (reader.Read()) tokens++;
    state = reader.CurrentState;
    var consumed = (int)reader.BytesConsumed;
    buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
    length -= consumed;
    if (final) break;
}
var seconds = stopwatch.Elapsed.TotalSeconds;
Console.WriteLine($"{seconds:0.000} {new FileInfo(path).Length / 1048576.0 / seconds:0} {tokens}");
