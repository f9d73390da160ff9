using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Verification;

/// <summary>The deployed site does not serve the commit being deployed: one line saying where, what came back, what was expected.</summary>
public sealed class SmokeTestFailedException(string message) : Exception(message);

/// <summary>
/// Checks that a deployed web server serves the commit being deployed: GET <c>&lt;site&gt;version.txt</c> (the web role
/// writes the commit there as plain text, so the check is exact), retried until it answers 200 with the commit or
/// the time is up.
/// </summary>
public sealed class SmokeTester(HttpClient http, Action<string> report, TimeSpan pollInterval)
{
    private const int BodyExcerpt = 200;

    public static Uri VersionUrl(Uri site) => new(site.AbsoluteUri.EndsWith('/') ? site : new Uri(site.AbsoluteUri + "/"), "version.txt");

    public async Task VerifyAsync(Uri site, string commit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = VersionUrl(site);
        var last = "no answer yet";
        var body = "";
        var polling = new ResiliencePipelineBuilder()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NotYet>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = pollInterval,
            })
            .Build();
        try
        {
            await polling.ExecuteAsync(async token =>
            {
                try
                {
                    using var response = await http.GetAsync(url, token);
                    body = await response.Content.ReadAsStringAsync(token);
                    if (response.StatusCode == HttpStatusCode.OK && body.Trim() == commit)
                        return;
                    last = response.StatusCode == HttpStatusCode.OK
                        ? $"status 200 serving commit '{FirstLine(body)}'"
                        : $"status {(int)response.StatusCode} ({response.StatusCode})";
                }
                catch (HttpRequestException e)
                {
                    last = $"connection error ({e.HttpRequestError}: {e.Message})";
                    body = "";
                }
                catch (TaskCanceledException) when (!token.IsCancellationRequested)
                {
                    last = $"no answer within {http.Timeout.TotalSeconds:0} s";
                    body = "";
                }
                report($"Smoke test: GET {url}: {last}; waiting for commit {commit}");
                throw new NotYet();
            }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutRejectedException or NotYet)
        {
            var excerpt = body.Length > BodyExcerpt ? body[..BodyExcerpt] : body;
            throw new SmokeTestFailedException(
                $"GET {url}: {last} after {timeout.TotalSeconds:0} s; expected status 200 serving commit {commit}; body: '{excerpt.ReplaceLineEndings(" ").Trim()}'");
        }
        report($"Smoke test: GET {url}: status 200 serving commit {commit}");
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 80 ? line[..80] + "…" : line;
    }

    private sealed class NotYet : Exception;
}
