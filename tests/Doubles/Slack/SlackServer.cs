using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Web;

namespace Tests.Doubles.Slack;

public sealed record SlackPost(string Ts, string Channel, string Text, string? ThreadTs, string Blocks, string? RunId);

/// <summary>
/// A local Slack Web API: chat.postMessage, chat.update, chat.delete, conversations.history (with message
/// metadata) and an incoming webhook, answering as Slack does, recording everything. 429 and outages are switches.
/// </summary>
public sealed class SlackServer : IDisposable
{
    private readonly LocalHttpServer _server;
    private readonly ConcurrentQueue<(string Method, int RetryAfter)> _rateLimits = new();
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public SlackServer(string token)
    {
        Token = token;
        _server = new LocalHttpServer(Handle);
    }

    public string Token { get; }
    public string Url => _server.Url;
    public string WebhookUrl => $"{_server.Url}/webhook/T000/B000/secretpath";
    public ConcurrentQueue<RecordedRequest> Requests => _server.Requests;
    public ConcurrentDictionary<string, SlackPost> Messages { get; } = new();
    public ConcurrentQueue<string> WebhookPayloads { get; } = new();

    /// <summary>Every call answers 503 while set.</summary>
    public bool Down { get; set; }

    public void RateLimitNext(string method, int times, int retryAfterSeconds)
    {
        for (var i = 0; i < times; i++) _rateLimits.Enqueue((method, retryAfterSeconds));
    }

    /// <summary>Messages posted from now on carry timestamps from this moment on (to make a run's message days old).</summary>
    public void SetClock(DateTimeOffset now) => Interlocked.Exchange(ref _clock, now.ToUnixTimeMilliseconds() * 1000);

    /// <summary>Other people's messages in the channel: a busy channel between two jobs of one run.</summary>
    public void PostOthers(string channel, int count)
    {
        for (var i = 0; i < count; i++)
            Post(new JsonObject { ["channel"] = channel, ["text"] = $"chatter {i}", ["blocks"] = new JsonArray() });
    }

    public IEnumerable<SlackPost> Parents => Messages.Values.Where(m => m.ThreadTs is null).OrderBy(m => m.Ts);

    public IEnumerable<SlackPost> Replies(string parentTs) => Messages.Values.Where(m => m.ThreadTs == parentTs).OrderBy(m => m.Ts);

    private ServerResponse Handle(RecordedRequest request)
    {
        if (Down) return new ServerResponse(503, "upstream connect error", "text/plain");
        var method = request.Path.TrimStart('/').Split('?')[0];
        if (method.StartsWith("webhook/", StringComparison.Ordinal))
        {
            WebhookPayloads.Enqueue(request.Body);
            return new ServerResponse(200, "ok", "text/plain");
        }
        if (_rateLimits.TryPeek(out var limit) && limit.Method == method && _rateLimits.TryDequeue(out _))
            return new ServerResponse(429, Json(new JsonObject { ["ok"] = false, ["error"] = "ratelimited" }), "application/json",
                new Dictionary<string, string> { ["Retry-After"] = limit.RetryAfter.ToString(CultureInfo.InvariantCulture) });
        if (!request.Headers.TryGetValue("Authorization", out var auth) || auth != $"Bearer {Token}")
            return Ok(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });

        return method switch
        {
            "chat.postMessage" => Post(JsonNode.Parse(request.Body)!.AsObject()),
            "chat.update" => Update(JsonNode.Parse(request.Body)!.AsObject()),
            "chat.delete" => Delete(JsonNode.Parse(request.Body)!.AsObject()),
            "conversations.history" => History(HttpUtility.ParseQueryString(request.Body)),
            _ => Ok(new JsonObject { ["ok"] = false, ["error"] = "unknown_method" }),
        };
    }

    private ServerResponse Post(JsonObject body)
    {
        var channel = (string?)body["channel"];
        if (string.IsNullOrEmpty(channel)) return Ok(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" });
        if (body["blocks"] is not JsonArray) return Ok(new JsonObject { ["ok"] = false, ["error"] = "invalid_blocks" });
        var ts = NextTs();
        Messages[ts] = new SlackPost(ts, channel, (string?)body["text"] ?? "", (string?)body["thread_ts"], body["blocks"]!.ToJsonString(),
            (string?)body["metadata"]?["event_payload"]?["run_id"]);
        return Ok(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = new JsonObject { ["text"] = (string?)body["text"], ["ts"] = ts } });
    }

    private ServerResponse Update(JsonObject body)
    {
        var ts = (string)body["ts"]!;
        if (!Messages.TryGetValue(ts, out var message)) return Ok(new JsonObject { ["ok"] = false, ["error"] = "message_not_found" });
        Messages[ts] = message with { Text = (string?)body["text"] ?? message.Text, Blocks = body["blocks"]?.ToJsonString() ?? message.Blocks };
        return Ok(new JsonObject { ["ok"] = true, ["channel"] = message.Channel, ["ts"] = ts, ["text"] = (string?)body["text"] });
    }

    private ServerResponse Delete(JsonObject body)
    {
        var ts = (string)body["ts"]!;
        return Ok(Messages.TryRemove(ts, out _) ? new JsonObject { ["ok"] = true, ["channel"] = (string?)body["channel"], ["ts"] = ts } : new JsonObject { ["ok"] = false, ["error"] = "message_not_found" });
    }

    /// <summary>Newest first, from <c>oldest</c> on, <c>limit</c> per page, a cursor to the next page, as Slack pages.</summary>
    private ServerResponse History(System.Collections.Specialized.NameValueCollection form)
    {
        var channel = form["channel"];
        var withMetadata = form["include_all_metadata"] == "true";
        var oldest = decimal.Parse(form["oldest"] ?? "0", CultureInfo.InvariantCulture);
        var limit = Math.Clamp(int.Parse(form["limit"] ?? "100", CultureInfo.InvariantCulture), 1, 999);
        var skip = form["cursor"] is { Length: > 0 } cursor ? int.Parse(cursor[4..], CultureInfo.InvariantCulture) : 0;
        var all = Parents.Where(m => m.Channel == channel && decimal.Parse(m.Ts, CultureInfo.InvariantCulture) >= oldest).OrderByDescending(m => m.Ts).ToList();
        var messages = all.Skip(skip).Take(limit).Select(m =>
        {
            var message = new JsonObject { ["type"] = "message", ["ts"] = m.Ts, ["text"] = m.Text };
            if (withMetadata && m.RunId is not null)
                message["metadata"] = new JsonObject { ["event_type"] = "toolchain_run", ["event_payload"] = new JsonObject { ["run_id"] = m.RunId } };
            return (JsonNode)message;
        });
        var hasMore = skip + limit < all.Count;
        var body = new JsonObject { ["ok"] = true, ["messages"] = new JsonArray([.. messages]), ["has_more"] = hasMore };
        if (hasMore) body["response_metadata"] = new JsonObject { ["next_cursor"] = $"bmV4{skip + limit}" };
        return Ok(body);
    }

    private string NextTs()
    {
        var value = Interlocked.Increment(ref _clock);
        return (value / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (value % 1_000_000).ToString("000000", CultureInfo.InvariantCulture);
    }

    private static ServerResponse Ok(JsonObject body) => new(200, Json(body), "application/json");

    private static string Json(JsonObject body) => body.ToJsonString();

    public void Dispose() => _server.Dispose();
}
