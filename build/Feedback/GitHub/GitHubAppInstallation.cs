using System.Net;
using System.Text.Json;
using Octokit;

namespace Pipeline.Feedback.GitHub;

/// <summary>
/// The installation token a GitHub App gives this run for one repository, as Octokit's credentials: asked for on
/// first use with only <see cref="Permissions"/>, kept for the run (a token lives an hour; one is asked again five
/// minutes before it ends, or when GitHub refuses it), each new token handed to <c>onToken</c> to be masked. A
/// refusal that asking again cannot fix (the app not installed, a wrong key, a permission the app lacks) is kept
/// and given to every later call, so a run asks GitHub once.
/// </summary>
public sealed class GitHubAppInstallation(
    GitHubApp app, string apiUrl, string owner, string repository, IReadOnlyDictionary<string, string> permissions,
    Action<string> onToken, TimeProvider? clock = null) : ICredentialStore
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;
    private GitHubAppException? _refusal;

    public IReadOnlyDictionary<string, string> Permissions { get; } = permissions;

    public async Task<Credentials> GetCredentials() => new(await TokenAsync(rejected: null, CancellationToken.None));

    /// <summary>A token other than <paramref name="rejected"/>, which GitHub just answered 401 to.</summary>
    public Task<string> RenewAsync(string rejected, CancellationToken cancellationToken) => TokenAsync(rejected, cancellationToken);

    private async Task<string> TokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_refusal is not null)
                throw _refusal;
            if (_token is { } current && current.Token != rejected && current.ExpiresAt - _clock.GetUtcNow() > RenewBefore)
                return current.Token;
            _token = await CreateTokenAsync(cancellationToken);
            onToken(_token.Token);
            return _token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AccessToken> CreateTokenAsync(CancellationToken cancellationToken)
    {
        var jwt = app.CreateJwt(_clock.GetUtcNow());
        onToken(jwt);
        var connection = GitHubFeedback.CreateConnection(apiUrl, new Octokit.Internal.InMemoryCredentialStore(new Credentials(jwt, AuthenticationType.Bearer)));
        var step = $"GET /repos/{owner}/{repository}/installation";
        try
        {
            var installation = await new GitHubClient(connection).GitHubApps.GetRepositoryInstallationForCurrent(owner, repository);
            step = $"POST /app/installations/{installation.Id}/access_tokens";
            // Octokit's CreateInstallationToken cannot narrow the permissions, so the request goes through its connection.
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["repositories"] = new[] { repository },
                ["permissions"] = Permissions,
            });
            return await new ApiConnection(connection).Post<AccessToken>(
                new Uri($"app/installations/{installation.Id}/access_tokens", UriKind.Relative), body, "application/vnd.github+json", "application/json", cancellationToken);
        }
        catch (ApiException e) when (Refusal(e, step) is { } refusal)
        {
            _refusal = refusal;
            throw refusal;
        }
    }

    private GitHubAppException? Refusal(ApiException e, string step) => e.StatusCode switch
    {
        HttpStatusCode.NotFound =>
            new($"The GitHub App {app.Id} is not installed on {owner}/{repository} (GitHub answered 404 to {step}); install it on the repository, or check --git-hub-app-id and --git-hub-repository."),
        HttpStatusCode.Unauthorized =>
            new($"GitHub refused the GitHub App {app.Id}'s key (401 to {step}); check --git-hub-app-id and that the private key is one of the app's current keys."),
        HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity when e is not (RateLimitExceededException or SecondaryRateLimitExceededException) =>
            new($"GitHub refused the GitHub App {app.Id} a token for {owner}/{repository} with {Describe(Permissions)} ({(int)e.StatusCode} to {step}: {e.Message}); give the app these permissions and accept them on its installation."),
        _ => null,
    };

    public static string Describe(IReadOnlyDictionary<string, string> permissions) =>
        string.Join(", ", permissions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
}

/// <summary>
/// GitHub answered 401 to an installation token (revoked, or expired during a long run): the request is sent once
/// more with a new token. A second 401 is GitHub's answer.
/// </summary>
internal sealed class InstallationTokenRenewal(HttpMessageHandler inner, GitHubAppInstallation installation) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.Headers.Authorization?.Parameter is not { } rejected)
            return response;
        var renewed = await installation.RenewAsync(rejected, cancellationToken);
        response.Dispose();
        var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content, Version = request.Version };
        foreach (var header in request.Headers.Where(h => h.Key != "Authorization"))
            retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
        retry.Headers.TryAddWithoutValidation("Authorization", $"{request.Headers.Authorization.Scheme} {renewed}");
        return await base.SendAsync(retry, cancellationToken);
    }
}
