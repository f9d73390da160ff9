using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;

namespace Pipeline.Feedback.Slack;

/// <summary>Slack answered ok=false with an error that retrying will not fix (invalid_auth, channel_not_found…).</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}");

/// <summary>A message Slack stored: its channel and timestamp (the id replies and updates use).</summary>
public sealed record SlackMessage(string Channel, string Ts);

/// <summary>
/// A small Slack Web API client over HttpClient (SlackNet is not available to us): chat.postMessage, chat.update,
/// chat.delete and conversations.history with a bot token, or an incoming webhook. Every call goes through Polly.
/// </summary>
public sealed class SlackClient(HttpClient http, string apiUrl, string? botToken, string? webhookUrl, ResiliencePipeline resilience)
{
    public bool CanThread => botToken is not null;

    public static TransientFeedbackException? Classify(Exception exception) => exception as TransientFeedbackException;

    public async Task<SlackMessage?> PostAsync(string? channel, JsonArray blocks, string text, string? threadTs, JsonObject? metadata, CancellationToken cancellationToken)
    {
        if (botToken is null)
        {
            await SendAsync(webhookUrl!, new JsonObject { ["text"] = text, ["blocks"] = blocks.DeepClone() }, auth: false, "incoming webhook", cancellationToken);
            return null;
        }
        var body = new JsonObject { ["channel"] = channel, ["text"] = text, ["blocks"] = blocks.DeepClone(), ["unfurl_links"] = false };
        if (threadTs is not null) body["thread_ts"] = threadTs;
        if (metadata is not null) body["metadata"] = metadata.DeepClone();
        var response = await SendAsync($"{apiUrl.TrimEnd('/')}/chat.postMessage", body, auth: true, "chat.postMessage", cancellationToken);
        return new SlackMessage((string?)response?["channel"] ?? channel!, (string)response!["ts"]!);
    }

    public async Task UpdateAsync(SlackMessage message, JsonArray blocks, string text, CancellationToken cancellationToken) =>
        await SendAsync($"{apiUrl.TrimEnd('/')}/chat.update",
            new JsonObject { ["channel"] = message.Channel, ["ts"] = message.Ts, ["text"] = text, ["blocks"] = blocks.DeepClone() }, auth: true, "chat.update", cancellationToken);

    public async Task DeleteAsync(SlackMessage message, CancellationToken cancellationToken) =>
        await SendAsync($"{apiUrl.TrimEnd('/')}/chat.delete", new JsonObject { ["channel"] = message.Channel, ["ts"] = message.Ts }, auth: true, "chat.delete", cancellationToken);

    /// <summary>
    /// Messages of the channel since <paramref name="oldest"/>, newest first, with their metadata, page by page
    /// (following the cursor) until <paramref name="enough"/> says the pages read so far hold what is looked for.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> HistoryAsync(string channel, DateTimeOffset oldest, Func<IReadOnlyList<JsonObject>, bool> enough, CancellationToken cancellationToken)
    {
        var messages = new List<JsonObject>();
        string? cursor = null;
        do
        {
            // A read method: form-encoded, as Slack documents it.
            var form = new Dictionary<string, string>
            {
                ["channel"] = channel, ["oldest"] = oldest.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ["limit"] = "200", ["include_all_metadata"] = "true",
            };
            if (cursor is not null) form["cursor"] = cursor;
            var response = await SendAsync($"{apiUrl.TrimEnd('/')}/conversations.history", () => new FormUrlEncodedContent(form), auth: true, "conversations.history", cancellationToken);
            if (response?["messages"] is JsonArray page) messages.AddRange(page.OfType<JsonObject>());
            cursor = (bool?)response?["has_more"] == true ? (string?)response?["response_metadata"]?["next_cursor"] : null;
        } while (!string.IsNullOrEmpty(cursor) && !enough(messages));
        return messages;
    }

    private Task<JsonObject?> SendAsync(string url, JsonObject body, bool auth, string method, CancellationToken cancellationToken) =>
        SendAsync(url, () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), auth, method, cancellationToken);

    private async Task<JsonObject?> SendAsync(string url, Func<HttpContent> content, bool auth, string method, CancellationToken cancellationToken) =>
        await resilience.ExecuteAsync(async cancel =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content() };
            if (auth) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", botToken);
            using var response = await http.SendAsync(request, cancel);
            var text = await response.Content.ReadAsStringAsync(cancel);
            var retryAfter = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                throw new TransientFeedbackException($"Slack {method} answered {(int)response.StatusCode}", response.StatusCode, retryAfter);
            if (!response.IsSuccessStatusCode)
                throw new SlackApiException(method, $"HTTP {(int)response.StatusCode}");
            if (!auth) return null; // webhooks answer plain "ok"
            var json = JsonNode.Parse(text) as JsonObject ?? throw new SlackApiException(method, "not JSON");
            if ((bool?)json["ok"] == true) return json;
            var error = (string?)json["error"] ?? "unknown error";
            if (error == "ratelimited")
                throw new TransientFeedbackException($"Slack {method} rate limited", HttpStatusCode.TooManyRequests, retryAfter ?? TimeSpan.FromSeconds(1));
            throw new SlackApiException(method, error);
        }, cancellationToken);
}
