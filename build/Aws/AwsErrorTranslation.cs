using Amazon.Runtime;
using Polly;

namespace Pipeline.Aws;

/// <summary>The endpoint answered, but not as AWS does: one line that says where, which service, and what came back.</summary>
public sealed class AwsEndpointException(string message, Exception inner) : Exception(message, inner);

internal sealed class AwsErrorTranslationOptions : ResilienceStrategyOptions;

/// <summary>
/// Turns a response without an AWS error code (an HTML page, a proxy's error) into <see cref="AwsEndpointException"/>,
/// and so a "success" without the request id every AWS answer carries: the EC2 unmarshaller reads an HTML page
/// with 200 as an empty result (no images, no instances), which would be acted on. AWS's own errors pass through
/// unchanged: callers handle some of them (ParameterNotFound, InvalidSnapshot.InUse).
/// </summary>
internal sealed class AwsErrorTranslation(string? endpoint) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is AmazonServiceException { ErrorCode: null or "" } e)
            return Outcome.FromException<TResult>(new AwsEndpointException(Describe(e), e));
        if (outcome.Result is AmazonWebServiceResponse { ResponseMetadata.RequestId: null or "" } response)
            return Outcome.FromException<TResult>(new AwsEndpointException(Describe(response), new InvalidDataException("no request id")));
        return outcome;
    }

    private string Describe(AmazonWebServiceResponse response)
    {
        var service = ServiceOf(response.GetType().Namespace);
        return $"{service} at {Where} answered HTTP {(int)response.HttpStatusCode} ({response.HttpStatusCode}) with a response that is not from AWS (no request id); expected an AWS API endpoint (check --aws-endpoint-url / AWS_ENDPOINT_URL).";
    }

    private string Where => endpoint is { Length: > 0 } ? $"endpoint {endpoint}" : "its regional endpoint";

    private string Describe(AmazonServiceException e)
    {
        var service = ServiceOf(e);
        var body = e.Message.Replace("The service returned an error with HTTP Body: ", "", StringComparison.Ordinal).ReplaceLineEndings(" ").Trim();
        var excerpt = body.Length > 80 ? body[..80] + "…" : body;
        return $"{service} at {Where} answered HTTP {(int)e.StatusCode} ({e.StatusCode}) with a response that is not from AWS (\"{excerpt}\"); expected an AWS API endpoint (check --aws-endpoint-url / AWS_ENDPOINT_URL).";
    }

    /// <summary>
    /// The service that answered: from the exception's type (AmazonEC2Exception), else from the SDK code it was thrown
    /// through (an unmarshalling failure is thrown by Amazon.Runtime, its inner exception from inside the service's own unmarshaller).
    /// </summary>
    internal static string ServiceOf(Exception e)
    {
        var chain = new List<Exception>();
        for (var current = e; current is not null; current = current.InnerException)
            chain.Add(current);
        var namespaces = chain.Select(x => x.GetType().Namespace)
            .Concat(chain.SelectMany(x => new System.Diagnostics.StackTrace(x).GetFrames()).Select(f => f.GetMethod()?.DeclaringType?.Namespace));
        return namespaces.Select(ServiceOf).FirstOrDefault(s => s != "AWS") ?? "AWS";
    }

    /// <summary><c>Amazon.EC2.Model</c> → EC2, <c>Amazon.SimpleSystemsManagement…</c> → SSM; AWS for the runtime's own.</summary>
    private static string ServiceOf(string? space)
    {
        var parts = space?.Split('.') ?? [];
        return parts.Length >= 2 && parts[0] == "Amazon" && parts[1] is not ("Runtime" or "Util")
            ? ServiceNames.GetValueOrDefault(parts[1], parts[1])
            : "AWS";
    }

    private static readonly Dictionary<string, string> ServiceNames = new(StringComparer.Ordinal)
    {
        ["SimpleSystemsManagement"] = "SSM",
        ["SecurityToken"] = "STS",
        ["KeyManagementService"] = "KMS",
        ["DynamoDBv2"] = "DynamoDB",
    };
}
