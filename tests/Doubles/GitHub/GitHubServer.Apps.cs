using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tests.Doubles.GitHub;

/// <summary>A JWT as the server received it: its header and claims, and whether the app's public key verifies it.</summary>
public sealed record ReceivedJwt(JsonObject Header, JsonObject Claims, bool SignatureValid, DateTimeOffset ReceivedAt);

/// <summary>
/// GitHub Apps as GitHub serves them: the /app endpoints take only a JWT signed with the app's key (checked against
/// its public key, its issuer and GitHub's limits: issued in the past, expiring within 10 minutes), the installation
/// is looked up per repository, and installation tokens (ghs_…, one hour) are then accepted like any token.
/// </summary>
public sealed partial class GitHubServer
{
    private readonly ConcurrentDictionary<string, bool> _installationTokens = new();
    private RSA? _appPublicKey;
    private string? _appId;
    private long _installationId;
    private bool _installed;
    private int _revokeAfterCalls = -1;

    public ConcurrentQueue<ReceivedJwt> Jwts { get; } = new();
    public ConcurrentQueue<JsonObject> TokenRequests { get; } = new();
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    /// <summary>The app <paramref name="appId"/>, whose key's public half is <paramref name="publicKey"/>, installed on every repository or none.</summary>
    public void AddApp(string appId, RSA publicKey, bool installed = true, long installationId = 4242)
    {
        _appId = appId;
        _appPublicKey = publicKey;
        _installed = installed;
        _installationId = installationId;
    }

    /// <summary>After <paramref name="calls"/> more calls made with installation tokens, every token issued so far is refused with 401.</summary>
    public void RevokeInstallationTokensAfter(int calls) => _revokeAfterCalls = calls;

    private bool Authorized(string authorization)
    {
        var credential = authorization.Split(' ').Last();
        if (credential == Token) return true;
        if (!_installationTokens.TryGetValue(credential, out var valid) || !valid) return false;
        if (_revokeAfterCalls >= 0 && _revokeAfterCalls-- == 0)
            foreach (var token in _installationTokens.Keys) _installationTokens[token] = false;
        return _installationTokens[credential];
    }

    private ServerResponse? HandleApp(string call, RecordedRequest request)
    {
        var lookup = InstallationLookup().Match(call);
        var tokens = AccessTokens().Match(call);
        if (!lookup.Success && !tokens.Success) return null;
        if (_appPublicKey is null) return Error(404, "Not Found");
        request.Headers.TryGetValue("Authorization", out var authorization);
        if (authorization?.StartsWith("Bearer ", StringComparison.Ordinal) != true || Verify(authorization[7..]) is not { } refusal)
            return Error(401, "A JSON web token could not be decoded");
        if (refusal.Length > 0) return Error(401, refusal);
        if (!_installed) return Error(404, "Not Found");
        if (lookup.Success) return new ServerResponse(200, Installation().ToJsonString());
        if (long.Parse(tokens.Groups[1].Value) != _installationId) return Error(404, "Not Found");
        var body = JsonNode.Parse(request.Body)!.AsObject();
        TokenRequests.Enqueue(body);
        var token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        _installationTokens[token] = true;
        IssuedTokens.Enqueue(token);
        return new ServerResponse(201, new JsonObject
        {
            ["token"] = token,
            ["expires_at"] = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["permissions"] = body["permissions"]?.DeepClone() ?? new JsonObject(),
            ["repository_selection"] = "selected",
        }.ToJsonString());
    }

    /// <summary>"" when the JWT is good, GitHub's words when not, null when it is not a JWT at all.</summary>
    private string? Verify(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
            var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
            var valid = (string?)header["alg"] == "RS256" && _appPublicKey!.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
                Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var now = DateTimeOffset.UtcNow;
            Jwts.Enqueue(new ReceivedJwt(header, claims, valid, now));
            var issuedAt = (long)claims["iat"]!;
            var expiresAt = (long)claims["exp"]!;
            if (!valid) return "A JSON web token could not be decoded";
            if (claims["iss"]?.ToString() != _appId) return "Integration not found";
            if (issuedAt > now.ToUnixTimeSeconds() + 1) return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
            if (expiresAt - now.ToUnixTimeSeconds() > 600) return "'Expiration time' claim ('exp') is too far in the future";
            return expiresAt <= now.ToUnixTimeSeconds() ? "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" : "";
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }

    private JsonObject Installation() => new()
    {
        ["id"] = _installationId,
        ["account"] = User(),
        ["app_id"] = long.TryParse(_appId, out var id) ? id : 1,
        ["app_slug"] = "gitops-toolchain",
        ["target_id"] = 1,
        ["target_type"] = "Organization",
        ["permissions"] = new JsonObject { ["statuses"] = "write", ["contents"] = "read", ["pull_requests"] = "write", ["issues"] = "write", ["administration"] = "write" },
        ["events"] = new JsonArray(),
        ["repository_selection"] = "selected",
        ["access_tokens_url"] = $"{Url}/app/installations/{_installationId}/access_tokens",
        ["repositories_url"] = $"{Url}/installation/repositories",
        ["html_url"] = $"https://github.example/settings/installations/{_installationId}",
        ["created_at"] = Now,
        ["updated_at"] = Now,
    };

    [GeneratedRegex(@"^GET /repos/[^/]+/[^/]+/installation$")]
    private static partial Regex InstallationLookup();

    [GeneratedRegex(@"^POST /app/installations/(\d+)/access_tokens$")]
    private static partial Regex AccessTokens();
}
