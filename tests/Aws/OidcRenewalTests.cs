using Tests.Doubles.Aws;

namespace Tests.Aws;

/// <summary>
/// A CircleCI job that outlives its OIDC token: a stand-in `circleci` on the PATH (the real CLI needs CircleCI's
/// servers) mints the next token, the build writes it over the token file and assumes the role again with it.
/// AnsibleConfigure waiting for an instance calls EC2 across several seconds, with renewal every second here.
/// </summary>
public sealed class OidcRenewalTests : IDisposable
{
    private readonly PipelineRun _run = new("ansible", "infra");
    private readonly AwsServer _aws = new();
    private readonly string _bin = Directory.CreateTempSubdirectory("circleci-cli-").FullName;

    public void Dispose()
    {
        _run.Dispose();
        _aws.Dispose();
        TestFiles.DeleteDirectory(_bin);
    }

    [SkippableFact]
    public async Task A_token_is_re_minted_during_a_long_target_and_the_next_STS_call_carries_it_and_no_token_is_printed()
    {
        Skip.If(OperatingSystem.IsWindows(), "the stand-in CLI is a bash script");
        var renewed = WebIdentityTests.Token("org/test-org/project/p/user/u/vcs-origin/github.com/acme/infra/vcs-ref/refs/heads/main/renewed");
        var calls = Path.Combine(_bin, "calls.log");
        File.WriteAllText(Path.Combine(_bin, "circleci"), $"#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> '{calls}'\nprintf '%s\\n' '{renewed}'\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(_bin, "circleci"), (UnixFileMode)0b111_101_101);
        _aws.Ec2.AddInstance(new FakeInstance("i-0123456789abcdef0",
            new InstanceObservation("pending", "initializing", "initializing"),
            new InstanceObservation("pending", "initializing", "initializing"),
            new InstanceObservation("running", "initializing", "initializing")));
        Directory.CreateDirectory(_run.Temp / "terraform" / "dev");
        File.WriteAllText(_run.Temp / "terraform" / "dev" / "outputs.json", """
            { "instance_id": { "sensitive": false, "type": "string", "value": "i-0123456789abcdef0" },
              "public_ip": { "sensitive": false, "type": "string", "value": "127.0.0.1" } }
            """);
        var environment = _aws.Environment();
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");
        environment["CIRCLECI_EXECUTABLE"] = Path.Combine(_bin, "circleci");
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = "c0ffee1234567";
        environment["CIRCLE_JOB"] = "AnsibleConfigure-dev";
        environment["PIPELINE_NUMBER"] = "77";
        environment["CIRCLE_OIDC_TOKEN_V2"] = WebIdentityTests.Token();
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/gitops-deploy-dev";
        environment["SSH_PRIVATE_KEY"] = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";

        var outcome = await _run.RunAsync(["AnsibleConfigure", "--skip", "--readiness-poll-ms", "1500", "--instance-ready-timeout-seconds", "6", "--oidc-renew-seconds", "1"], environment);

        Assert.True(_aws.Sts.Calls.Count >= 2, outcome.Output);
        Assert.Equal(WebIdentityTests.Token(), _aws.Sts.Calls.First().Token);
        Assert.Equal(renewed, _aws.Sts.Calls.Last().Token);
        Assert.All(_aws.Sts.Calls, c => Assert.Equal("circleci-77-AnsibleConfigure-dev-c0ffee1", c.SessionName));
        Assert.Contains("run oidc get --claims {\"aud\":\"test-org\"}", File.ReadAllLines(calls));
        Assert.Contains("Re-minted CircleCI's OIDC token", outcome.Output);
        Assert.DoesNotContain(renewed.Split('.')[1], outcome.Output + outcome.Log);
        Assert.DoesNotContain(WebIdentityTests.Token().Split('.')[1], outcome.Output + outcome.Log);
        Assert.False(Directory.Exists(_run.Temp / "oidc") && Directory.EnumerateFiles(_run.Temp / "oidc").Any());
    }
}
