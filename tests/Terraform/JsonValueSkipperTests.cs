using System.Text;
using System.Text.Json;
using Pipeline.Terraform;

namespace Tests.Terraform;

/// <summary>The skipper finds where an object or array ends as a JSON parser does, however the bytes are chunked.</summary>
public sealed class JsonValueSkipperTests
{
    private static readonly string[] Values =
    [
        """{}""",
        """[[],{},[{}]]""",
        """{"a":"}]{[","b":["\"}","\\","\\\"",{"c":"\\\\\\\"]"}],"d":"x\\\\"}""",
        """{"user_data":"#!/bin/bash\necho \"configuring\"\n","tags":{"Name":"web-0 { [ ] }"},"n":[1,2.5e3,true,null]}""",
        "{\"k\":\"" + new string('\\', 30) + "\\\"" + new string('x', 40) + "\\\\\",\"arr\":[" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"i\":{i},\"s\":\"{new string('q', i)}\\\"\"}}")) + "]}",
    ];

    private static int ParserEnd(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Skip();
        return (int)reader.BytesConsumed;
    }

    [Fact]
    public void The_end_is_where_a_parser_finds_it_for_every_chunk_size()
    {
        foreach (var value in Values)
        {
            var json = Encoding.UTF8.GetBytes(value + ",\"after\":{\"more\":[1]}}");
            var expected = ParserEnd(json);
            foreach (var size in Enumerable.Range(1, 70).Append(json.Length))
            {
                var skipper = new JsonValueSkipper();
                var end = -1;
                for (var offset = 0; offset < json.Length && end < 0; offset += size)
                {
                    var found = skipper.Advance(json.AsSpan(offset, Math.Min(size, json.Length - offset)));
                    if (found >= 0) end = offset + found;
                }
                Assert.True(expected == end, $"chunks of {size}: expected {expected}, got {end} for {value}");
            }
        }
    }

    [Fact]
    public void A_value_that_does_not_end_says_so()
    {
        var skipper = new JsonValueSkipper();
        // Ends inside the string "}\" (an escaped quote), then in the string, then closes it and the brackets.
        Assert.Equal(-1, skipper.Advance("{\"a\":[1,2,{\"b\":\"}\\\""u8));
        Assert.Equal(-1, skipper.Advance("]"u8));
        Assert.Equal(5, skipper.Advance("\" }]}"u8));
    }
}
