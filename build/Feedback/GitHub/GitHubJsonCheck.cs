using System.Net.Http.Headers;

namespace Pipeline.Feedback.GitHub;

/// <summary>An answer that is not GitHub's: the endpoint, what came back, what was expected.</summary>
public sealed class GitHubResponseException(string message) : Exception(message);

/// <summary>
/// Every answer GitHub's REST API gives below 500 carries JSON (or nothing). Octokit reads any other body as no
/// object at all, so a web server that answers every request with an HTML page would look like "no branch
/// protection" and then like a successful update. This handler refuses such an answer in one line naming the
/// endpoint. 5xx pages (GitHub's own are HTML) and 429 stay with the retry policy.
/// </summary>
internal sealed class GitHubJsonCheck(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status >= 500 || status == 429 || !HasBody(response) || IsJson(response.Content.Headers.ContentType))
            return response;
        var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
        var endpoint = $"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)}";
        response.Dispose();
        throw new GitHubResponseException(
            $"GitHub API {endpoint} answered HTTP {status} with {type}, not GitHub's JSON; expected the GitHub REST API (check --git-hub-api-url / GITHUB_API_URL).");
    }

    private static bool HasBody(HttpResponseMessage response) =>
        response.StatusCode != System.Net.HttpStatusCode.NoContent && response.Content.Headers.ContentLength is not 0;

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
