using BuildEngine;
using BuildEngine.Processes;
using Pipeline.Aws;
using Tests.Doubles.Aws;
using Tests.Engine;

namespace Tests.Ansible;

/// <summary>AnsibleConfigure with the real ansible-playbook against a real sshd on 127.0.0.1.</summary>
public sealed class AnsibleConfigureTests : IAsyncLifetime
{
    private readonly PipelineRun _run = new("ansible");
    private readonly string _marker = Path.Combine(Path.GetTempPath(), "ansible-marker-" + Guid.NewGuid().ToString("N")[..10]);
    private SshServer? _ssh;

    private SshServer Ssh => _ssh!;

    public async Task InitializeAsync()
    {
        Peers.RequiredPeer.Require(SshServer.SshdPath is not null && Peers.RequiredPeer.OnPath("ansible-playbook"),
            "sshd or ansible-playbook is not installed; .ci/run installs openssh-server and ansible-core");
        _ssh = await SshServer.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_ssh is not null) await _ssh.DisposeAsync();
        _run.Dispose();
        if (Directory.Exists(_marker)) Directory.Delete(_marker, recursive: true);
    }

    private string[] DirectArguments(string? hostKey = null, params string[] extra) =>
    [
        "AnsibleConfigure", "--skip",
        "--ansible-host", "127.0.0.1", "--ansible-port", Ssh.Port.ToString(), "--ansible-user", SshServer.User,
        "--ansible-host-key", hostKey ?? Ssh.HostPublicKey,
        "--ansible-playbook", Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml"),
        "--ansible-extra-vars", $"marker_dir={_marker}", .. extra,
        "--readiness-poll-ms", "200", "--ssh-ready-timeout-seconds", "30",
    ];

    private Dictionary<string, string> Environment() => new()
    {
        ["SSH_PRIVATE_KEY"] = Ssh.UserPrivateKey,
        ["CIRCLECI"] = "true",
        ["CIRCLE_SHA1"] = "abc1234",
        ["CIRCLE_BRANCH"] = "main",
    };

    private string MarkerFile => Path.Combine(_marker, "deployed.txt");

    [SkippableFact]
    public async Task The_pinned_key_connects_and_a_second_run_changes_nothing()
    {
        Ssh.Start();

        var first = await _run.RunAsync(DirectArguments(), Environment());
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal("dev abc1234\n", File.ReadAllText(MarkerFile));
        Assert.Contains("changed=2", first.Output);

        var second = await _run.RunAsync(DirectArguments(), Environment());
        Assert.True(second.ExitCode == 0, second.Output);
        Expect.Matches(@"AnsibleConfigure\s+Succeeded\s+[\d.]+ s\s+127\.0\.0\.1: ok=2 changed=0 failed=0 unreachable=0", second.Output);
        Assert.True(File.Exists(_run.Temp / "ansible" / "recap.json"));
        Assert.DoesNotContain("PRIVATE KEY", second.Output + second.Log);
        Assert.Empty(Directory.GetDirectories(_run.Temp / "ansible"));
    }

    [SkippableFact]
    public async Task A_host_presenting_another_key_is_refused_and_nothing_runs()
    {
        Ssh.Start();
        var other = await Ssh.OtherHostKeyAsync();

        var outcome = await _run.RunAsync(DirectArguments(hostKey: other), Environment());

        Assert.True(outcome.ExitCode == ExitCodes.TargetFailed, outcome.Output);
        Assert.True(outcome.Output.Contains($"host key verification failed for 127.0.0.1:{Ssh.Port}: the key it presented is not the pinned one; nothing ran on it.", StringComparison.Ordinal), outcome.Output);
        Assert.False(File.Exists(MarkerFile));
    }

    [SkippableFact]
    public async Task A_wrong_key_is_refused_even_right_after_a_successful_run_to_the_same_host()
    {
        // ControlPersist keeps the first run's master connection open for 10 s: the second run must not reuse it.
        Ssh.Start();
        var other = await Ssh.OtherHostKeyAsync();

        var first = await _run.RunAsync(DirectArguments(), Environment());
        Assert.True(first.ExitCode == 0, first.Output);
        File.Delete(MarkerFile);
        var second = await _run.RunAsync(DirectArguments(hostKey: other), Environment());

        Assert.Equal(ExitCodes.TargetFailed, second.ExitCode);
        Assert.Contains($"host key verification failed for 127.0.0.1:{Ssh.Port}", second.Output);
        Assert.False(File.Exists(MarkerFile));
        Assert.Empty(Directory.GetDirectories(_run.Temp / "ansible"));
    }

    [SkippableFact]
    public async Task The_key_can_come_from_a_file_and_its_contents_stay_masked()
    {
        Ssh.Start();
        var keyFile = Path.Combine(Ssh.Directory, "user_ed25519");
        var environment = Environment();
        environment.Remove("SSH_PRIVATE_KEY");

        var outcome = await _run.RunAsync([.. DirectArguments(), "--ssh-private-key-file", keyFile], environment);
        var missing = await _run.RunAsync([.. DirectArguments(), "--ssh-private-key-file", keyFile + ".missing"], environment);
        var neither = await _run.RunAsync(DirectArguments(), environment);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.True(File.Exists(MarkerFile));
        Assert.Equal(ExitCodes.UsageError, missing.ExitCode);
        Assert.Contains($"(--ssh-private-key-file): value '{keyFile}.missing' is not valid; expected an existing file.", missing.Output);
        Assert.Equal(ExitCodes.UsageError, neither.ExitCode);
        Assert.Contains("AnsibleConfigure requires parameter SshPrivateKey (set --ssh-private-key or SSH_PRIVATE_KEY) or parameter SshPrivateKeyFile (set --ssh-private-key-file or SSH_PRIVATE_KEY_FILE)", neither.Output);
    }

    [SkippableFact]
    public async Task A_private_key_given_on_the_command_line_is_never_printed()
    {
        Ssh.Start();
        var environment = Environment();
        environment.Remove("SSH_PRIVATE_KEY");
        var body = Ssh.UserPrivateKey.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----")).ToList();

        var outcome = await _run.RunAsync([.. DirectArguments(), "--ssh-private-key", Ssh.UserPrivateKey], environment);
        var typo = await _run.RunAsync([.. DirectArguments(), "--ssh-privat-key", Ssh.UserPrivateKey], environment);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(ExitCodes.UsageError, typo.ExitCode);
        foreach (var text in new[] { outcome.Output, outcome.Log, typo.Output })
            Assert.All(body, line => Assert.DoesNotContain(line, text));
    }

    [SkippableFact]
    public async Task A_key_file_that_holds_no_key_fails_before_any_wait_for_the_host()
    {
        // sshd is not started: a target that waited for it would report SSH not answering instead.
        var notAKey = Path.Combine(Ssh.Directory, "not-a-key.txt");
        File.WriteAllText(notAKey, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmSPrmeDbnw+VDlLVZQ8w7lo4D2cZLHNlY2iwFW8ZKP public, not private\n");
        var environment = Environment();
        environment.Remove("SSH_PRIVATE_KEY");

        var outcome = await _run.RunAsync([.. DirectArguments(), "--ssh-private-key-file", notAKey, "--ssh-ready-timeout-seconds", "20"], environment);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains($"SSH private key file {notAKey} (--ssh-private-key-file) holds no private key", outcome.Output);
        Assert.DoesNotContain("not answering", outcome.Output);
    }

    [SkippableFact]
    public async Task An_sshd_that_starts_late_is_waited_for()
    {
        var run = _run.RunAsync(DirectArguments(), Environment());
        await Task.Delay(TimeSpan.FromSeconds(3));
        Ssh.Start();

        var outcome = await run;

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains($"SSH on 127.0.0.1:{Ssh.Port} not answering yet", outcome.Output);
        Assert.True(File.Exists(MarkerFile));
    }

    [SkippableFact]
    public async Task A_failing_task_fails_the_target_with_the_tasks_name()
    {
        Ssh.Start();

        var outcome = await _run.RunAsync(DirectArguments(null, "fail_on_purpose=true"), Environment());

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("AnsibleConfigure failed: task 'Fail on purpose when asked' failed on 127.0.0.1: failing on purpose for the test", outcome.Output);
    }

    [SkippableFact]
    public async Task Without_a_pinned_key_a_direct_host_is_refused_before_connecting()
    {
        var args = DirectArguments().ToList();
        var index = args.IndexOf("--ansible-host-key");
        args.RemoveRange(index, 2);

        var outcome = await _run.RunAsync([.. args], Environment());

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("No host key to pin for 127.0.0.1: pass --ansible-host-key", outcome.Output);
    }

    [SkippableFact]
    public async Task The_instance_from_Terraforms_outputs_is_waited_for_and_its_console_host_key_pinned()
    {
        using var aws = new AwsServer();
        var instance = new FakeInstance("i-0123456789abcdef0",
            new InstanceObservation("pending", "initializing", "initializing"),
            new InstanceObservation("running", "initializing", "initializing"),
            new InstanceObservation("running", "ok", "ok"))
        {
            ConsoleOutput = Tests.Aws.ConsoleHostKeysTests.Console(string.Join(' ', Ssh.HostPublicKey.Split(' ').Take(2))),
            ConsoleAfterCalls = 1,
        };
        aws.Ec2.AddInstance(instance);
        Directory.CreateDirectory(_run.Temp / "terraform" / "dev");
        File.WriteAllText(_run.Temp / "terraform" / "dev" / "outputs.json", $$"""
            { "instance_id": { "sensitive": false, "type": "string", "value": "i-0123456789abcdef0" },
              "public_ip": { "sensitive": false, "type": "string", "value": "127.0.0.1" },
              "ssh_user": { "sensitive": false, "type": "string", "value": "{{SshServer.User}}" } }
            """);
        Ssh.Start();
        var environment = Environment();
        foreach (var (key, value) in aws.Environment()) environment[key] = value;

        var outcome = await _run.RunAsync(["AnsibleConfigure", "--skip", "--ansible-port", Ssh.Port.ToString(),
            "--ansible-playbook", Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "touch-temp.yml"),
            "--ansible-extra-vars", $"marker_dir={_marker}", "--readiness-poll-ms", "100"], environment);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains("i-0123456789abcdef0: pending, instance status initializing", outcome.Output);
        Assert.Contains("i-0123456789abcdef0: running, instance status ok, system status ok", outcome.Output);
        Assert.Contains("Pinned host keys from i-0123456789abcdef0's console: ssh-ed25519 SHA256:", outcome.Output);
        Assert.Equal(3, aws.CountOf("DescribeInstanceStatus"));
        Assert.Equal(2, aws.CountOf("GetConsoleOutput"));
        Assert.True(File.Exists(MarkerFile));
    }

    [SkippableFact]
    public async Task An_instance_that_never_becomes_ready_times_out_with_a_clear_message()
    {
        using var aws = new AwsServer();
        aws.Ec2.AddInstance(new FakeInstance("i-0stuck", new InstanceObservation("running", "impaired", "ok")));
        Directory.CreateDirectory(_run.Temp / "terraform" / "dev");
        File.WriteAllText(_run.Temp / "terraform" / "dev" / "outputs.json",
            """{ "instance_id": { "sensitive": false, "type": "string", "value": "i-0stuck" }, "public_ip": { "sensitive": false, "type": "string", "value": "127.0.0.1" } }""");
        var environment = Environment();
        foreach (var (key, value) in aws.Environment()) environment[key] = value;

        var outcome = await _run.RunAsync(["AnsibleConfigure", "--skip", "--readiness-poll-ms", "100", "--instance-ready-timeout-seconds", "1"], environment);

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("Instance i-0stuck was not running with status checks OK after 1 s (last seen: running, instance status impaired, system status ok)", outcome.Output);
    }

    [SkippableFact]
    public async Task AnsibleValidate_passes_on_the_roles()
    {
        var outcome = await _run.RunAsync(["AnsibleValidate"]);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Contains("--syntax-check", outcome.Output);
        if (ToolRunner.IsInstalled("ansible-lint", new Dictionary<string, string> { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "" }))
            Assert.Contains("> ansible-lint --nocolor site.yml", outcome.Output);
    }
}
