using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Pipeline.Aws;

/// <summary>
/// Temporary credentials for an IAM role, from an OIDC token (CircleCI's) by STS AssumeRoleWithWebIdentity. The
/// token file is read again at every refresh, so a token re-minted in place during a long job is the one used.
/// The call itself is unsigned (the token is the proof), as AWS documents it.
/// </summary>
public sealed class WebIdentityCredentials(WebIdentity identity, Func<AmazonSecurityTokenServiceConfig> stsConfig) : RefreshingAWSCredentials
{
    /// <summary>Credentials for one hour, renewed five minutes before they expire.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        throw new NotSupportedException("The build calls AWS asynchronously only.");

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var token = identity.ReadToken();
        using var sts = new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), stsConfig());
        try
        {
            var response = await sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
            {
                RoleArn = identity.RoleArn,
                RoleSessionName = identity.SessionName,
                WebIdentityToken = token,
                DurationSeconds = (int)Lifetime.TotalSeconds,
            });
            var credentials = response.Credentials;
            return new CredentialsRefreshState(
                new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
                credentials.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.Add(Lifetime));
        }
        catch (AmazonSecurityTokenServiceException e)
        {
            throw new AwsConfigurationException(identity.Explain(e.ErrorCode, e.Message, token));
        }
    }
}

/// <summary>A role to assume and the file holding the OIDC token that proves who asks.</summary>
public sealed record WebIdentity(string RoleArn, string TokenFile, string SessionName)
{
    public string ReadToken()
    {
        var token = File.Exists(TokenFile) ? File.ReadAllText(TokenFile).Trim() : "";
        if (token.Length == 0)
            throw new AwsConfigurationException($"Web identity token file {TokenFile} is {(File.Exists(TokenFile) ? "empty" : "missing")}; expected the OIDC token (CircleCI: $CIRCLE_OIDC_TOKEN_V2).");
        return token;
    }

    /// <summary>STS's refusal as one line: the role, and what the trust policy is asked to match.</summary>
    public string Explain(string? code, string message, string token)
    {
        var subject = OidcToken.Claim(token, "sub") ?? "(unreadable)";
        return code switch
        {
            "AccessDenied" => $"STS refused to let this job assume {RoleArn} (AccessDenied): check the role's trust policy, whose conditions must match the token's sub '{subject}' and aud '{OidcToken.Claim(token, "aud") ?? "(none)"}'.",
            "ExpiredTokenException" or "ExpiredToken" => $"STS refused the OIDC token for {RoleArn}: it has expired (tokens live one hour; the job re-mints them with 'circleci run oidc get').",
            "InvalidIdentityToken" or "IDPRejectedClaim" => $"STS refused the OIDC token for {RoleArn} ({code}): is the CircleCI OIDC identity provider registered in this account, with the organization id as audience? Token sub: '{subject}'.",
            _ => $"STS AssumeRoleWithWebIdentity for {RoleArn} failed ({code}): {message.Split('\n')[0]}",
        };
    }

    /// <summary>
    /// STS allows [\w+=,.@-]{2,64}: "circleci-&lt;pipeline&gt;-&lt;job&gt;-&lt;commit&gt;", anything else replaced,
    /// cut to 64 characters (CloudTrail shows it beside every call the job makes).
    /// </summary>
    public static string SessionNameFor(string? pipelineNumber, string? job, string? commit)
    {
        var parts = new[] { "circleci", pipelineNumber, job, commit is { Length: > 7 } ? commit[..7] : commit }.Where(p => !string.IsNullOrEmpty(p));
        var name = new string(string.Join('-', parts).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-' ? c : '-').ToArray());
        return name.Length <= 64 ? name : name[..64];
    }
}

/// <summary>Reads a claim of a JWT's payload for a message; the token itself is never shown.</summary>
public static class OidcToken
{
    public static string? Claim(string token, string name)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var document = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.TryGetProperty(name, out var value) ? value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => value.GetString(),
                System.Text.Json.JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(v => v.ToString())),
                _ => value.ToString(),
            } : null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
