using System.Net;
using Amazon.Runtime;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Aws;

/// <summary>
/// The one Polly pipeline every AWS call goes through: throttling (RequestLimitExceeded and friends), the 5xx
/// statuses that mean "try again" and timeouts are retried with jittered exponential backoff, a bounded number of
/// times; anything else fails at once. An answer that is not AWS's becomes one line naming endpoint, service and status.
/// </summary>
public static class AwsResilience
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "ServiceUnavailable", "InternalError", "InternalFailure", "Unavailable", "RequestTimeout", "RequestTimeoutException",
    };

    /// <summary>501 Not Implemented, 505 and the like will answer the same on every try.</summary>
    private static readonly HashSet<HttpStatusCode> TransientStatuses =
    [
        HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable,
        HttpStatusCode.GatewayTimeout, HttpStatusCode.TooManyRequests,
    ];

    public static ResiliencePipeline Create(Action<string> onRetry, TimeSpan? baseDelay = null, int maxRetries = 6, TimeSpan? attemptTimeout = null, string? endpoint = null) =>
        new ResiliencePipelineBuilder()
            .AddStrategy(_ => new AwsErrorTranslation(endpoint), new AwsErrorTranslationOptions())
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<AmazonServiceException>(IsTransient)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(20),
                OnRetry = arguments =>
                {
                    onRetry($"AWS call failed ({Describe(arguments.Outcome.Exception)}); retry {arguments.AttemptNumber + 1} of {maxRetries} in {arguments.RetryDelay.TotalSeconds:0.0} s");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(60))
            .Build();

    public static bool IsTransient(AmazonServiceException exception) =>
        TransientCodes.Contains(exception.ErrorCode ?? "") || TransientStatuses.Contains(exception.StatusCode);

    private static string Describe(Exception? exception) => exception switch
    {
        AmazonServiceException service => $"{(string.IsNullOrEmpty(service.ErrorCode) ? $"HTTP {(int)service.StatusCode}" : service.ErrorCode)}",
        null => "no exception",
        _ => exception.GetType().Name,
    };
}
