using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Feedback.GitHub;
using Tests.Engine;

namespace Tests.Feedback;

/// <summary>
/// GitHub through a GitHub App, against our GitHub server: GitHub has no local peer, so the server checks what
/// GitHub checks (the JWT's signature against the app's public key, its issuer and lifetime) and hands out
/// installation tokens; Octokit's own HTTP and JSON handling runs unchanged.
/// </summary>
public sealed class GitHubAppTests : IDisposable
{
    private const string AppId = "123456";

    private readonly PipelineRun _run = new("infra", ".nuke");
    private readonly FeedbackFixture _services = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _terraformLog = Path.GetTempPath() + "tf-" + Guid.NewGuid().ToString("N")[..8];

    public GitHubAppTests() => _services.GitHub.AddApp(AppId, _key);

    public void Dispose()
    {
        _run.Dispose();
        _services.Dispose();
        _key.Dispose();
        File.Delete(_terraformLog);
    }

    private Dictionary<string, string> Environment(bool keyInFile = false)
    {
        var environment = _services.Environment();
        environment.Remove("GITHUB_TOKEN");
        environment.Remove("SLACK_TOKEN");
        environment["GITHUB_APP_ID"] = AppId;
        if (keyInFile)
        {
            var file = _run.Root / "app-key.pem";
            File.WriteAllText(file, _key.ExportRSAPrivateKeyPem());
            environment["GITHUB_APP_PRIVATE_KEY_FILE"] = file;
        }
        else
        {
            environment["GITHUB_APP_PRIVATE_KEY"] = _key.ExportRSAPrivateKeyPem();
        }
        return FeedbackFixture.WithTerraformDouble(environment, _terraformLog);
    }

    private static JsonObject Part(string jwt, int index) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index]))!.AsObject();

    [Fact]
    public void The_JWT_is_RS256_signed_by_the_apps_key_issued_a_minute_back_and_valid_under_ten_minutes()
    {
        using var app = GitHubApp.FromPem(AppId, _key.ExportRSAPrivateKeyPem(), "test key");
        var now = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);

        var jwt = app.CreateJwt(now);

        var parts = jwt.Split('.');
        Assert.True(_key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var other = RSA.Create(2048);
        Assert.False(other.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal("RS256", (string?)Part(jwt, 0)["alg"]);
        var claims = Part(jwt, 1);
        Assert.Equal(1_790_000_000 - 60, (long)claims["iat"]!);
        Assert.InRange((long)claims["exp"]! - 1_790_000_000, 60, 600);
        Assert.Equal(123456, (long)claims["iss"]!);
        using var byClientId = GitHubApp.FromPem("Iv23liAbCdEf0123", _key.ExportPkcs8PrivateKeyPem(), "test key");
        Assert.Equal("Iv23liAbCdEf0123", (string?)Part(byClientId.CreateJwt(now), 1)["iss"]);
    }

    [Fact]
    public async Task A_plan_asks_for_a_token_with_only_what_it_needs_and_every_following_call_carries_it()
    {
        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        // One token for the run: the same JWT looks up the installation, then asks for the token.
        Assert.Equal(2, _services.GitHub.Jwts.Count);
        Assert.Single(_services.GitHub.Jwts.Select(j => j.Claims.ToJsonString()).Distinct());
        var jwt = _services.GitHub.Jwts.First();
        Assert.True(jwt.SignatureValid);
        Assert.Equal(AppId, jwt.Claims["iss"]!.ToString());
        Assert.True((long)jwt.Claims["iat"]! <= jwt.ReceivedAt.ToUnixTimeSeconds() - 59);
        Assert.True((long)jwt.Claims["exp"]! - (long)jwt.Claims["iat"]! <= 600);
        var request = Assert.Single(_services.GitHub.TokenRequests);
        Assert.Equal("""{"contents":"read","pull_requests":"write","statuses":"write"}""", request["permissions"]!.ToJsonString());
        Assert.Equal("""["infra"]""", request["repositories"]!.ToJsonString());
        var token = Assert.Single(_services.GitHub.IssuedTokens);
        var calls = _services.GitHub.Requests.Where(r => r.Path.Contains("/statuses/") || r.Path.Contains("/issues/")).ToList();
        Assert.NotEmpty(_services.GitHub.Statuses);
        Assert.Single(_services.GitHub.Comments);
        Assert.All(calls, r => Assert.EndsWith(" " + token, r.Headers["Authorization"]));
        Assert.DoesNotContain(token, outcome.Output + outcome.Log);
        Assert.DoesNotContain(jwt.Claims.ToJsonString(), outcome.Output + outcome.Log);
        Assert.DoesNotContain("PRIVATE KEY", outcome.Output + outcome.Log);
        Assert.Contains("GitHub: as the GitHub App 123456 on acme/infra", outcome.Output);
    }

    [Fact]
    public async Task ProtectBranch_alone_asks_for_administration_and_protects_the_branch()
    {
        var outcome = await _run.RunAsync(["ProtectBranch"], Environment(keyInFile: true));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var request = Assert.Single(_services.GitHub.TokenRequests);
        Assert.Equal("write", (string?)request["permissions"]!["administration"]);
        Assert.Null(request["permissions"]!["issues"]);
        Assert.Equal(1, _services.GitHub.ProtectionUpdates);
    }

    [Fact]
    public async Task A_token_refused_during_the_run_is_replaced_once_and_no_report_is_lost()
    {
        _services.GitHub.RevokeInstallationTokensAfter(1);

        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(2, _services.GitHub.TokenRequests.Count);
        Assert.Contains(_services.GitHub.Statuses, s => s.State == "pending");
        Assert.Contains(_services.GitHub.Statuses, s => s.State == "success");
        Assert.Single(_services.GitHub.Comments);
        Assert.DoesNotContain("GitHub", string.Join('\n', outcome.Output.Split('\n').Where(l => l.StartsWith("warning", StringComparison.OrdinalIgnoreCase))));
        var second = _services.GitHub.IssuedTokens.Last();
        Assert.EndsWith(" " + second, _services.GitHub.Requests.Last(r => r.Path.Contains("/statuses/")).Headers["Authorization"]);
    }

    [Fact]
    public async Task An_app_not_installed_on_the_repository_is_one_line_asked_once_and_ProtectBranch_changes_nothing()
    {
        _services.GitHub.AddApp(AppId, _key, installed: false);

        var validate = await _run.RunAsync(["TerraformValidate"], Environment());
        var protect = await _run.RunAsync(["ProtectBranch"], Environment());

        Assert.Equal(0, validate.ExitCode);
        const string line = "The GitHub App 123456 is not installed on acme/infra (GitHub answered 404 to GET /repos/acme/infra/installation)";
        Assert.Contains(line, validate.Output);
        Assert.Equal(1, protect.ExitCode);
        Assert.Contains(line, protect.Output);
        Assert.Equal(2, _services.GitHub.Requests.Count(r => r.Path.EndsWith("/installation", StringComparison.Ordinal)));
        Assert.Equal(0, _services.GitHub.ProtectionUpdates);
        Assert.Empty(_services.GitHub.Statuses);
    }

    public static TheoryData<string, string> NotRsaPrivateKeys()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var small = RSA.Create(1024);
        return new()
        {
            { "not a key at all", "is not a PEM RSA private key" },
            { rsa.ExportRSAPublicKeyPem(), "is not a PEM RSA private key" },
            { ec.ExportECPrivateKeyPem(), "is not a PEM RSA private key" },
            { ec.ExportPkcs8PrivateKeyPem(), "is not a PEM RSA private key" },
            { small.ExportRSAPrivateKeyPem(), "is a 1024-bit RSA key" },
        };
    }

    [Theory]
    [MemberData(nameof(NotRsaPrivateKeys))]
    public async Task A_key_that_is_not_a_PEM_RSA_private_key_stops_the_run_in_one_line_before_anything_runs(string key, string expected)
    {
        var environment = Environment(keyInFile: true);
        File.WriteAllText(environment["GITHUB_APP_PRIVATE_KEY_FILE"], key);

        var outcome = await _run.RunAsync(["TerraformPlan", "--skip"], environment);

        Assert.Equal(2, outcome.ExitCode);
        var error = Assert.Single(outcome.Output.Split('\n'), l => l.Contains(expected));
        Assert.Contains("--git-hub-app-private-key-file", error);
        Assert.Empty(_services.GitHub.Requests);
        Assert.False(File.Exists(_terraformLog));
        foreach (var line in key.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))
            Assert.DoesNotContain(line, outcome.Output);
    }

    [Fact]
    public async Task An_app_id_without_a_key_and_a_key_without_an_app_id_are_refused_before_anything_runs()
    {
        var noKey = Environment();
        noKey.Remove("GITHUB_APP_PRIVATE_KEY");
        var noId = Environment();
        noId.Remove("GITHUB_APP_ID");

        var withoutKey = await _run.RunAsync(["TerraformValidate"], noKey);
        var withoutId = await _run.RunAsync(["TerraformValidate"], noId);

        Assert.Equal(2, withoutKey.ExitCode);
        Assert.Contains("--git-hub-app-id 123456 needs the app's private key", withoutKey.Output);
        Assert.Equal(2, withoutId.ExitCode);
        Assert.Contains("without --git-hub-app-id (GITHUB_APP_ID)", withoutId.Output);
        Assert.Empty(_services.GitHub.Requests);
    }
}
