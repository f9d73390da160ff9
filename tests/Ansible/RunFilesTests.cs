using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Pipeline.Ansible;
using Tests.Engine;

namespace Tests.Ansible;

/// <summary>The files of one Ansible run: an inventory no value can restructure, control sockets that fit.</summary>
public sealed class RunFilesTests : IAsyncLifetime
{
    private readonly string _parent = Directory.CreateTempSubdirectory("run-files-").FullName;
    private SshServer? _ssh;

    public async Task InitializeAsync()
    {
        Peers.RequiredPeer.Require(SshServer.SshdPath is not null && Peers.RequiredPeer.OnPath("ansible-playbook") && Peers.RequiredPeer.OnPath("ansible-inventory"),
            "sshd or ansible-core is not installed; .ci/run installs openssh-server and ansible-core");
        _ssh = await SshServer.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_ssh is not null) await _ssh.DisposeAsync();
        TestFiles.DeleteDirectory(_parent);
    }

    [SkippableFact]
    public async Task Values_that_hold_inventory_syntax_stay_values_as_the_real_ansible_inventory_reads_them()
    {
        using var files = RunFiles.Create(_parent);
        var hostile = "deploy\n[web:vars]\ninjected=1";
        var target = new AnsibleTarget("i-0abc", "203.0.113.10 injected_too=1", 2222, hostile);
        var inventory = files.WriteInventory(target, "staging", new SshAccess(Path.Combine(files.Directory, "id key"), Path.Combine(files.Directory, "known hosts")));

        var listed = await Cli.Wrap("ansible-inventory").WithArguments(["-i", inventory, "--list"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.True(listed.ExitCode == 0, listed.StandardError);
        using var document = JsonDocument.Parse(listed.StandardOutput);
        var host = document.RootElement.GetProperty("_meta").GetProperty("hostvars").GetProperty("i-0abc");
        Assert.Equal(hostile, host.GetProperty("ansible_user").GetString());
        Assert.Equal("203.0.113.10 injected_too=1", host.GetProperty("ansible_host").GetString());
        Assert.Equal(2222, host.GetProperty("ansible_port").GetInt32());
        Assert.False(host.TryGetProperty("injected", out _));
        Assert.False(host.TryGetProperty("injected_too", out _));
        Assert.Equal(["web"], document.RootElement.GetProperty("staging").GetProperty("children").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["i-0abc"], document.RootElement.GetProperty("web").GetProperty("hosts").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("-o UserKnownHostsFile='", host.GetProperty("ansible_ssh_common_args").GetString());
    }

    [Theory]
    [InlineData(79, true)]
    [InlineData(80, false)]
    public void The_socket_limit_counts_the_name_and_the_temporary_suffix_ssh_adds(int length, bool fits)
    {
        Assert.Equal(fits, RunFiles.FitsSocketPath("/" + new string('c', length - 1)));
    }

    [Theory]
    [InlineData(42)]
    [InlineData(51)]
    [InlineData(60)]
    public void Control_sockets_always_fit_whatever_the_checkouts_length(int length)
    {
        using var root = new TempRoot(length);
        using var files = RunFiles.Create(root.Path / ".nuke" / "temp" / "ansible");
        Assert.True(RunFiles.FitsSocketPath(files.ControlPathDirectory), files.ControlPathDirectory);
    }

    [SkippableFact]
    public async Task A_checkout_at_a_51_character_path_configures_the_host_over_a_control_socket()
    {
        _ssh!.Start();
        using var run = new PipelineRun(new TempRoot(51), "ansible");
        var marker = Path.Combine(_parent, "marker");

        var outcome = await run.RunAsync(["AnsibleConfigure", "--skip",
            "--ansible-host", "127.0.0.1", "--ansible-port", _ssh.Port.ToString(), "--ansible-user", SshServer.User,
            "--ansible-host-key", _ssh.HostPublicKey, "--readiness-poll-ms", "200", "--ssh-ready-timeout-seconds", "30",
            "--ansible-playbook", Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml"),
            "--ansible-extra-vars", $"marker_dir={marker}"], new Dictionary<string, string> { ["SSH_PRIVATE_KEY"] = _ssh.UserPrivateKey, ["CIRCLE_SHA1"] = "abc1234" });

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.DoesNotContain("too long for Unix domain socket", outcome.Output);
        Assert.True(File.Exists(Path.Combine(marker, "deployed.txt")));
    }
}
