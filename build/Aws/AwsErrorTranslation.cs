using Amazon.Runtime;
using Polly;

namespace Pipeline.Aws;

/// <summary>The endpoint answered, but not as AWS does: one line that says where, which service, and what came back.</summary>
public sealed class AwsEndpointException(string message, Exception inner) : Exception(message, inner);

internal sealed class AwsErrorTranslationOptions : ResilienceStrategyOptions;

/// <summary>
/// Turns a response without an AWS error code (an HTML page, a proxy's error) into <see cref="AwsEndpointException"/>.
/// AWS's own errors pass through unchanged: callers handle some of them (ParameterNotFound, InvalidSnapshot.InUse).
/// </summary>
internal sealed class AwsErrorTranslation(string? endpoint) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is AmazonServiceException { ErrorCode: null or "" } e)
            return Outcome.FromException<TResult>(new AwsEndpointException(Describe(e), e));
        return outcome;
    }

    private string Describe(AmazonServiceException e)
    {
        var service = e.GetType().Name.Replace("Amazon", "").Replace("Exception", "") switch
        {
            "SimpleSystemsManagement" => "SSM",
            "" or "Service" => "AWS",
            var name => name,
        };
        var where = endpoint is { Length: > 0 } ? $"endpoint {endpoint}" : "its regional endpoint";
        var body = e.Message.Replace("The service returned an error with HTTP Body: ", "", StringComparison.Ordinal).ReplaceLineEndings(" ").Trim();
        var excerpt = body.Length > 80 ? body[..80] + "…" : body;
        return $"{service} at {where} answered HTTP {(int)e.StatusCode} ({e.StatusCode}) with a response that is not from AWS (\"{excerpt}\"); expected an AWS API endpoint (check --aws-endpoint-url / AWS_ENDPOINT_URL).";
    }
}
