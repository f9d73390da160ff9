using Polly;
using Polly.Retry;

namespace Pipeline.Aws;

/// <summary>
/// The shape of every wait on AWS: try again while the answer is "not yet" (<see cref="NotYetException"/>), until an
/// overall timeout (Polly's <c>TimeoutRejectedException</c>). Each try's own calls go through <see cref="AwsResilience"/>.
/// </summary>
public static class AwsPolling
{
    public static ResiliencePipeline Until(TimeSpan timeout, TimeSpan delay, TimeSpan? maxDelay = null) => new ResiliencePipelineBuilder()
        .AddTimeout(timeout)
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NotYetException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = maxDelay is null ? DelayBackoffType.Constant : DelayBackoffType.Exponential,
            Delay = delay,
            MaxDelay = maxDelay,
        })
        .Build();
}

/// <summary>The awaited state has not come yet: try again.</summary>
public sealed class NotYetException : Exception;
