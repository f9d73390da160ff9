using System.Text;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement.Model;
using Pipeline.Aws;
using Tests.Doubles.Aws;
using Tests.Peers;

namespace Tests.Aws;

/// <summary>
/// AWS through a role and an OIDC token instead of stored keys. Our AWS server is used where a request must be
/// asserted (the token, role and session name that reach STS, which key signs the calls after it, STS's refusals:
/// moto neither checks tokens nor shows signatures); moto where the round trip itself is the proof.
/// </summary>
public sealed class WebIdentityTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private const string Role = "arn:aws:iam::123456789012:role/gitops-deploy-dev";
    private readonly string _folder = Directory.CreateTempSubdirectory("oidc-").FullName;

    public void Dispose() => TestFiles.DeleteDirectory(_folder);

    /// <summary>A token shaped as CircleCI's V2 token (header.payload.signature); STS here does not verify it.</summary>
    public static string Token(string subject = "org/test-org/project/test-project/user/u/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main") =>
        $"{Part("""{"alg":"RS256","typ":"JWT"}""")}.{Part($$"""{"iss":"https://oidc.circleci.com/org/test-org","aud":"test-org","sub":"{{subject}}"}""")}.c2lnbmF0dXJl";

    private static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private WebIdentity Identity(string token)
    {
        var file = OidcTokenFile.Write(_folder, token);
        return new WebIdentity(Role, file, WebIdentity.SessionNameFor("1234", "TerraformApply-dev", "c0ffee1234567"));
    }

    private static AwsSettings Settings(string endpoint, WebIdentity identity, bool keysFromCommandLine = false) => new()
    {
        Region = "eu-west-1",
        EndpointUrl = endpoint,
        AccessKeyId = "AKIASTATICFROMENV001",
        SecretAccessKey = "static-secret-from-the-environment",
        KeysFromCommandLine = keysFromCommandLine,
        WebIdentity = identity,
        WebIdentityCredentials = new WebIdentityCredentials(identity, () => new AwsSettings { Region = "eu-west-1", EndpointUrl = endpoint }.StsConfig()),
    };

    [Fact]
    public async Task The_role_is_assumed_with_the_token_unsigned_and_every_later_call_is_signed_with_the_keys_STS_returned()
    {
        using var aws = new AwsServer();
        var settings = Settings(aws.Url, Identity(Token()));

        using (var ec2 = settings.CreateEc2Client())
        {
            await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] });
            await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] });
        }

        var call = Assert.Single(aws.Sts.Calls);
        Assert.Equal((Role, "circleci-1234-TerraformApply-dev-c0ffee1", Token(), false), (call.RoleArn, call.SessionName, call.Token, call.Signed));
        Assert.Equal(["AssumeRoleWithWebIdentity unsigned", $"DescribeImages {StsApi.AccessKeyId(1)}", $"DescribeImages {StsApi.AccessKeyId(1)}"], aws.Signatures);
    }

    [Fact]
    public async Task A_token_rewritten_in_place_is_the_one_the_next_refresh_sends()
    {
        using var aws = new AwsServer();
        var identity = Identity(Token("first"));
        var credentials = new WebIdentityCredentials(identity, () => new AwsSettings { Region = "eu-west-1", EndpointUrl = aws.Url }.StsConfig());

        var first = await credentials.GetCredentialsAsync();
        OidcTokenFile.Write(_folder, Token("second"));
        credentials.ClearCredentials();
        var second = await credentials.GetCredentialsAsync();

        Assert.Equal([Token("first"), Token("second")], aws.Sts.Calls.Select(c => c.Token));
        Assert.Equal((StsApi.AccessKeyId(1), StsApi.AccessKeyId(2)), (first.AccessKey, second.AccessKey));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identity.TokenFile));
    }

    [Fact]
    public void Terraform_and_Packer_get_the_role_and_no_keys_while_keys_on_the_command_line_win()
    {
        using var aws = new AwsServer();
        var identity = Identity(Token());

        var byRole = Settings(aws.Url, identity).ToEnvironment();
        var byKeys = Settings(aws.Url, identity, keysFromCommandLine: true).ToEnvironment();

        Assert.Equal((Role, identity.TokenFile, identity.SessionName), (byRole["AWS_ROLE_ARN"], byRole["AWS_WEB_IDENTITY_TOKEN_FILE"], byRole["AWS_ROLE_SESSION_NAME"]));
        Assert.Null(byRole["AWS_ACCESS_KEY_ID"]);
        Assert.Null(byRole["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("AKIASTATICFROMENV001", byKeys["AWS_ACCESS_KEY_ID"]);
        Assert.Null(byKeys["AWS_ROLE_ARN"]);
        Assert.Null(byKeys["AWS_WEB_IDENTITY_TOKEN_FILE"]);
    }

    [Theory]
    [InlineData(403, "AccessDenied", "STS refused to let this job assume arn:aws:iam::123456789012:role/gitops-deploy-dev (AccessDenied): check the role's trust policy, whose conditions must match the token's sub 'org/test-org/project/test-project/user/u/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main' and aud 'test-org'.")]
    [InlineData(400, "ExpiredTokenException", "STS refused the OIDC token for arn:aws:iam::123456789012:role/gitops-deploy-dev: it has expired")]
    public async Task STS_refusals_are_one_line_naming_the_role_and_never_the_token(int status, string code, string expected)
    {
        using var aws = new AwsServer();
        aws.FailNext("AssumeRoleWithWebIdentity", 1, new Fault(status, code, "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
        using var ssm = Settings(aws.Url, Identity(Token())).CreateSsmClient();

        var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => ssm.GetParameterAsync(new GetParameterRequest { Name = "/x" }));

        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain(Token().Split('.')[1], error.Message);
        Assert.DoesNotContain(aws.Calls, c => c == "GetParameter");
    }

    [Fact]
    public async Task A_missing_or_empty_token_file_is_one_line()
    {
        var empty = Path.Combine(_folder, "empty.jwt");
        File.WriteAllText(empty, "");
        foreach (var (file, word) in new[] { (empty, "empty"), (Path.Combine(_folder, "missing.jwt"), "missing") })
        {
            var credentials = new WebIdentityCredentials(new WebIdentity(Role, file, "session"), () => new AwsSettings { Region = "eu-west-1", EndpointUrl = "http://127.0.0.1:9" }.StsConfig());
            var error = await Assert.ThrowsAsync<AwsConfigurationException>(() => credentials.GetCredentialsAsync());
            Assert.Equal($"Web identity token file {file} is {word}; expected the OIDC token (CircleCI: $CIRCLE_OIDC_TOKEN_V2).", error.Message);
        }
    }

    [SkippableFact]
    public async Task On_moto_the_assumed_roles_temporary_keys_write_and_read_SSM()
    {
        RequiredPeer.Require(MotoServer.IsInstalled, "moto_server is not installed (pip install 'moto[server]')");
        await moto.ResetAsync();
        var settings = Settings(moto.Url, Identity(Token()));

        var credentials = await settings.ResolveCredentials().GetCredentialsAsync();
        using var ssm = settings.CreateSsmClient();
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/gitops-demo/dev/probe", Value = "v1", Type = "String" });
        var read = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/gitops-demo/dev/probe" });

        Assert.StartsWith("ASIA", credentials.AccessKey);
        Assert.NotEqual("AKIASTATICFROMENV001", credentials.AccessKey);
        Assert.False(string.IsNullOrEmpty(credentials.Token));
        Assert.Equal("v1", read.Parameter.Value);
    }
}
