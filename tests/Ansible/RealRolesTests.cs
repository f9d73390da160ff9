using Tests.Engine;
using Tests.Peers;

namespace Tests.Ansible;

/// <summary>The real base and web roles, through AnsibleConfigure, on a real Debian bookworm host (debootstrap).</summary>
public sealed class RealRolesTests(DebianHost host) : IClassFixture<DebianHost>, IDisposable
{
    private readonly PipelineRun _run = new("ansible");

    public void Dispose() => _run.Dispose();

    [SkippableFact]
    public async Task The_roles_configure_the_host_then_change_nothing_and_nginx_serves_the_deployed_commit()
    {
        RequiredPeer.Require(DebianHost.CanBuild && RequiredPeer.OnPath("ansible-playbook"),
            "debootstrap, chroot (as root) or ansible-playbook is missing; .ci/run installs debootstrap and ansible-core");
        var webPort = LoopbackPorts.Reserve();
        string[] arguments =
        [
            "AnsibleConfigure", "--skip",
            "--ansible-host", "127.0.0.1", "--ansible-port", host.SshPort.ToString(), "--ansible-user", DebianHost.User,
            "--ansible-host-key", host.HostPublicKey, "--ssh-private-key-file", host.UserPrivateKeyFile,
            "--ansible-extra-vars", $"web_listen_port={webPort}", "web_listen_ipv6=false",
            "--readiness-poll-ms", "200",
        ];
        var environment = new Dictionary<string, string> { ["CIRCLECI"] = "true", ["CIRCLE_SHA1"] = "5eed5eed5eed", ["CIRCLE_BRANCH"] = "main" };

        var first = await _run.RunAsync(arguments, environment);
        var second = await _run.RunAsync(arguments, environment);

        Assert.True(first.ExitCode == 0, first.Output);
        Expect.Matches(@"127\.0\.0\.1: ok=\d+ changed=([1-9]\d*) failed=0 unreachable=0", first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Expect.Matches(@"AnsibleConfigure\s+Succeeded\s+[\d.:]+( s)?\s+127\.0\.0\.1: ok=\d+ changed=0 failed=0 unreachable=0", second.Output);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
        Assert.Contains("5eed5eed5eed", await http.GetStringAsync("/"));
        Assert.Equal("5eed5eed5eed\n", await http.GetStringAsync("/version.txt"));
    }
}
