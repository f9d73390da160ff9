using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Feedback;

/// <summary>A transient answer from GitHub or Slack: the status, and how long the service asked us to wait.</summary>
public sealed class TransientFeedbackException(string message, HttpStatusCode status, TimeSpan? retryAfter) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The Polly pipeline for GitHub and Slack calls: 5xx, 429 and secondary rate limits are retried, honouring
/// Retry-After up to a cap, within a bounded total time, so feedback can be slow but never stalls a build.
/// </summary>
public static class FeedbackResilience
{
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public static ResiliencePipeline Create(Func<Exception, TransientFeedbackException?> classify, Action<string> onRetry, TimeSpan? baseDelay = null) =>
        new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromMinutes(2))
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => classify(e) is { RetryAfter: var after } && (after is null || after <= MaxRetryAfter) || e is HttpRequestException or TimeoutRejectedException),
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromSeconds(1),
                DelayGenerator = arguments =>
                    ValueTask.FromResult(arguments.Outcome.Exception is { } e && classify(e)?.RetryAfter is { } after ? after : (TimeSpan?)null),
                OnRetry = arguments =>
                {
                    var e = arguments.Outcome.Exception;
                    onRetry($"{(e is null ? "call" : classify(e)?.Message ?? e.GetType().Name)}; retry {arguments.AttemptNumber + 1} in {arguments.RetryDelay.TotalSeconds:0.#} s");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(20))
            .Build();

    public static TimeSpan? ParseRetryAfter(string? value) =>
        int.TryParse(value, out var seconds) ? TimeSpan.FromSeconds(Math.Max(0, seconds))
        : DateTimeOffset.TryParse(value, out var date) ? date - DateTimeOffset.UtcNow
        : null;
}
