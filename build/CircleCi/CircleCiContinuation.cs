using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.CircleCi;

/// <summary>The continuation was refused; the message is the one line to show (never the key).</summary>
public sealed class CircleCiContinuationException(string message) : Exception(message);

/// <summary>
/// The parameters of a continuation: the values sent, and the names each config declares (the setup config's are the
/// ones a trigger may set).
/// </summary>
public sealed record ContinuationParameters(IReadOnlyDictionary<string, JsonNode?> Values, IReadOnlySet<string> DeclaredByConfiguration, IReadOnlySet<string> DeclaredBySetup);

/// <summary>
/// Continues a setup workflow's pipeline with a generated configuration: <c>POST /api/v2/pipeline/continue</c> with
/// the job's continuation key, the configuration as a string, and parameters. The limits CircleCI documents are
/// checked first, so a config it would refuse is never sent; one continuation per pipeline, so the call is made once
/// (retried only when it surely did not arrive).
/// </summary>
public sealed class CircleCiContinuation(HttpClient http, string baseUrl)
{
    public const int MaxConfigurationBytes = 3 * 1024 * 1024;
    public const int MaxParameters = 100;

    /// <summary>
    /// Everything checked before a call: the size, and the parameters against both configs (those sent are declared
    /// by the generated config and are not the trigger's, which CircleCI carries over; the trigger's are declared by
    /// the generated config too). Returns the problems, one line each.
    /// </summary>
    public static IReadOnlyList<string> Check(string configuration, ContinuationParameters continuation)
    {
        var (parameters, declaredByConfiguration, declaredBySetup) = (continuation.Values, continuation.DeclaredByConfiguration, continuation.DeclaredBySetup);
        var problems = new List<string>();
        var size = Encoding.UTF8.GetByteCount(configuration);
        if (size > MaxConfigurationBytes)
            problems.Add($"The generated configuration is {size:N0} bytes; CircleCI continues a pipeline with at most {MaxConfigurationBytes:N0} (3 MB). Split workflows or move work out of the config.");
        if (parameters.Count > MaxParameters)
            problems.Add($"{parameters.Count} continuation parameters; CircleCI takes at most {MaxParameters}.");
        foreach (var name in parameters.Keys.Where(n => !declaredByConfiguration.Contains(n)))
            problems.Add($"Continuation parameter '{name}' is not declared under parameters: in the generated configuration; declare it there.");
        foreach (var name in parameters.Keys.Where(declaredBySetup.Contains))
            problems.Add($"Continuation parameter '{name}' is also a parameter of the setup configuration (the trigger's): CircleCI refuses parameters that overlap the trigger's; the trigger's value carries over by itself.");
        foreach (var name in declaredBySetup.Where(n => !declaredByConfiguration.Contains(n)))
            problems.Add($"Pipeline parameter '{name}' of the setup configuration is not declared in the generated configuration; CircleCI needs the trigger's parameters declared in both.");
        return problems;
    }

    /// <summary>Checks, then posts once; a problem found by <see cref="Check"/> is refused before any call.</summary>
    public async Task ContinueAsync(string continuationKey, string configuration, ContinuationParameters continuation, CancellationToken cancellationToken)
    {
        if (Check(configuration, continuation) is { Count: > 0 } problems)
            throw new CircleCiContinuationException(string.Join(" ", problems) + " Nothing was sent.");
        var parameters = continuation.Values;
        var body = new JsonObject
        {
            ["continuation-key"] = continuationKey,
            ["configuration"] = configuration,
            ["parameters"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
        };
        var url = $"{baseUrl.TrimEnd('/')}/api/v2/pipeline/continue";
        // Only a connection that never opened is retried: any answer, or a timeout after sending, may mean CircleCI
        // took the continuation, and a second one is refused.
        var resilience = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(e => e.HttpRequestError == HttpRequestError.ConnectionError),
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
            })
            .AddTimeout(TimeSpan.FromSeconds(60))
            .Build();
        HttpStatusCode status;
        string text;
        try
        {
            (status, text) = await resilience.ExecuteAsync(async cancel =>
            {
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, content, cancel);
                return (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            throw new CircleCiContinuationException($"CircleCI's continuation API at {url} did not answer ({e.Message}); rerun the setup workflow from CircleCI (a continuation key lasts six hours).");
        }
        if (status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted)
            return;
        throw new CircleCiContinuationException(Explain(status, Message(text), url));
    }

    private static string Explain(HttpStatusCode status, string? message, string url)
    {
        var said = message is null ? $"HTTP {(int)status}" : $"HTTP {(int)status}: \"{message}\"";
        if (status == HttpStatusCode.Conflict && message?.Contains("not in setup state", StringComparison.OrdinalIgnoreCase) == true)
            return $"CircleCI refused the continuation ({said}): this pipeline was already continued (one continuation per pipeline), so this configuration was not used. To continue with a new one, rerun the whole pipeline from CircleCI, not this job.";
        if (status == HttpStatusCode.Conflict && message?.Contains("expired", StringComparison.OrdinalIgnoreCase) == true)
            return $"CircleCI refused the continuation ({said}): the continuation key lasts six hours after the setup workflow started. Rerun the setup workflow from CircleCI (or push again) to get a new key.";
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            return $"CircleCI refused the continuation ({said}) at {url}: the key is not valid there. CIRCLE_CONTINUATION_KEY is set only in a setup workflow's job; check --circle-ci-url.";
        return $"CircleCI refused the continuation ({said}) at {url}.";
    }

    private static string? Message(string text)
    {
        try
        {
            return (JsonNode.Parse(text) as JsonObject)?["message"]?.GetValue<string>() is { } message
                ? new string([.. message.Where(c => !char.IsControl(c)).Take(300)])
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
