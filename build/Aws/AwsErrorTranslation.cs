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
        var service = ServiceOf(e);
        var where = endpoint is { Length: > 0 } ? $"endpoint {endpoint}" : "its regional endpoint";
        var body = e.Message.Replace("The service returned an error with HTTP Body: ", "", StringComparison.Ordinal).ReplaceLineEndings(" ").Trim();
        var excerpt = body.Length > 80 ? body[..80] + "…" : body;
        return $"{service} at {where} answered HTTP {(int)e.StatusCode} ({e.StatusCode}) with a response that is not from AWS (\"{excerpt}\"); expected an AWS API endpoint (check --aws-endpoint-url / AWS_ENDPOINT_URL).";
    }

    /// <summary>
    /// The service that answered: from the exception's type (AmazonEC2Exception), else from the SDK code it was thrown
    /// through (an unmarshalling failure is thrown by Amazon.Runtime inside the service's own response unmarshaller).
    /// </summary>
    internal static string ServiceOf(Exception e)
    {
        var namespaces = new[] { e.GetType().Namespace }
            .Concat(new System.Diagnostics.StackTrace(e).GetFrames().Select(f => f.GetMethod()?.DeclaringType?.Namespace));
        foreach (var space in namespaces)
        {
            var parts = space?.Split('.') ?? [];
            if (parts.Length >= 2 && parts[0] == "Amazon" && parts[1] is not ("Runtime" or "Util"))
                return ServiceNames.GetValueOrDefault(parts[1], parts[1]);
        }
        return "AWS";
    }

    private static readonly Dictionary<string, string> ServiceNames = new(StringComparer.Ordinal)
    {
        ["SimpleSystemsManagement"] = "SSM",
        ["SecurityToken"] = "STS",
        ["KeyManagementService"] = "KMS",
        ["DynamoDBv2"] = "DynamoDB",
    };
}
