using System.Collections.Concurrent;

namespace Tests.Doubles.Aws;

/// <summary>What one AssumeRoleWithWebIdentity call carried.</summary>
public sealed record WebIdentityCall(string RoleArn, string SessionName, string Token, bool Signed);

/// <summary>
/// STS's AssumeRoleWithWebIdentity in its Query API shape (XML), for what moto cannot show: the token, role and
/// session name that reach STS, and its refusals (AccessDenied, ExpiredTokenException). Each call hands out new keys.
/// </summary>
public sealed class StsApi
{
    private int _issued;

    public ConcurrentQueue<WebIdentityCall> Calls { get; } = new();

    /// <summary>The temporary access key id of the n-th issued credentials (from 1).</summary>
    public static string AccessKeyId(int n) => $"ASIATEMPORARY{n:D7}";

    public ServerResponse Handle(IReadOnlyDictionary<string, string> form, IReadOnlyDictionary<string, string> headers)
    {
        Calls.Enqueue(new WebIdentityCall(form.GetValueOrDefault("RoleArn", ""), form.GetValueOrDefault("RoleSessionName", ""),
            form.GetValueOrDefault("WebIdentityToken", ""), headers.ContainsKey("Authorization")));
        var n = Interlocked.Increment(ref _issued);
        var expires = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        return new ServerResponse(200, $"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>org/test/project/test</SubjectFromWebIdentityToken>
                <Audience>test-org</Audience>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/test/{Ec2Api.X(form.GetValueOrDefault("RoleSessionName", ""))}</Arn><AssumedRoleId>AROATEST:{n}</AssumedRoleId></AssumedRoleUser>
                <Credentials><AccessKeyId>{AccessKeyId(n)}</AccessKeyId><SecretAccessKey>temporary-secret-{n}</SecretAccessKey><SessionToken>temporary-session-token-{n}</SessionToken><Expiration>{expires}</Expiration></Credentials>
                <Provider>oidc.circleci.com/org/test-org</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """, "text/xml");
    }

    public static ServerResponse Error(int status, string code, string message) => new(status, $"""
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{Ec2Api.X(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>
        """, "text/xml");
}
