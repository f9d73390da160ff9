using System.Net;
using Amazon.Runtime;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Aws;

/// <summary>
/// The one Polly pipeline every AWS call goes through: throttling (RequestLimitExceeded and friends), 5xx and
/// timeouts are retried with jittered exponential backoff, a bounded number of times.
/// </summary>
public static class AwsResilience
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "ServiceUnavailable", "InternalError", "InternalFailure", "Unavailable", "RequestTimeout", "RequestTimeoutException",
    };

    public static ResiliencePipeline Create(Action<string> onRetry, TimeSpan? baseDelay = null, int maxRetries = 6, TimeSpan? attemptTimeout = null) =>
        new ResiliencePipelineBuilder()
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
        TransientCodes.Contains(exception.ErrorCode ?? "") ||
        (int)exception.StatusCode >= 500 ||
        exception.StatusCode == HttpStatusCode.TooManyRequests;

    private static string Describe(Exception? exception) => exception switch
    {
        AmazonServiceException service => $"{service.ErrorCode ?? service.StatusCode.ToString()}",
        null => "no exception",
        _ => exception.GetType().Name,
    };
}
