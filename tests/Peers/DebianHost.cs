using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;

namespace Tests.Peers;

/// <summary>
/// A real Debian bookworm host for the real roles: a root made with debootstrap (minbase, openssh-server, python3,
/// sudo) under the test's temp root, its own sshd on a free loopback port, a user with sudo and a throwaway key.
/// Built once per test class; every process that runs inside it is killed and the root removed on dispose.
/// Service starts during package installs are refused (policy-rc.d), as in container images: the roles start them.
/// </summary>
public sealed class DebianHost : IAsyncLifetime
{
    public const string User = "deploy";
    private const string Suite = "bookworm";
    private CommandTask<CommandResult>? _sshd;
    private readonly CancellationTokenSource _stop = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "debian-host-" + Guid.NewGuid().ToString("N")[..10]);
    /// <summary>Chosen when sshd starts, not when the fixture is made: debootstrap takes a minute, in which another test's server may take a port chosen earlier.</summary>
    public int SshPort { get; private set; }
    public string HostPublicKey => File.ReadAllText(Path.Combine(Root, "etc", "ssh", "ssh_host_ed25519_key.pub")).Trim();
    public string UserPrivateKeyFile => Path.Combine(Root + "-keys", "id_ed25519");

    public static bool CanBuild => RequiredPeer.OnPath("debootstrap") && RequiredPeer.OnPath("chroot") && System.Environment.UserName == "root";

    public static string Mirror => System.Environment.GetEnvironmentVariable("DEBIAN_MIRROR") ?? "http://deb.debian.org/debian";

    public async Task InitializeAsync()
    {
        if (!CanBuild) return;
        await Run("debootstrap", "--variant=minbase", "--include=openssh-server,python3,sudo", Suite, Root, Mirror);
        File.Copy("/etc/resolv.conf", Path.Combine(Root, "etc", "resolv.conf"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(Root, "usr", "sbin", "policy-rc.d"), "#!/bin/sh\nexit 101\n");
        await Run("chmod", "755", Path.Combine(Root, "usr", "sbin", "policy-rc.d"));
        await Run("mount", "-t", "proc", "proc", Path.Combine(Root, "proc"));
        Directory.CreateDirectory(Path.Combine(Root, "run", "sshd"));
        await Chroot("ssh-keygen", "-A");
        await Chroot("useradd", "--create-home", "--shell", "/bin/bash", User);
        // No password, but not locked: sshd without PAM refuses key logins to locked accounts.
        await Chroot("usermod", "--password", "*", User);
        await File.WriteAllTextAsync(Path.Combine(Root, "etc", "sudoers.d", User), $"{User} ALL=(ALL) NOPASSWD:ALL\n");

        Directory.CreateDirectory(Root + "-keys");
        await Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "debian-host-test", "-f", UserPrivateKeyFile);
        var ssh = Path.Combine(Root, "home", User, ".ssh");
        Directory.CreateDirectory(ssh);
        File.Copy(UserPrivateKeyFile + ".pub", Path.Combine(ssh, "authorized_keys"));
        await Chroot("chown", "-R", $"{User}:{User}", $"/home/{User}/.ssh");

        await StartSshdAsync();
    }

    /// <summary>
    /// Starts sshd on a free port and waits for its own banner: a port that answers is not enough (another server
    /// may have taken it between the choice and sshd's bind, and sshd then exits). Such a start is retried.
    /// </summary>
    private async Task StartSshdAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            SshPort = LoopbackPorts.Reserve();
            _sshd = Cli.Wrap("chroot").WithArguments([Root, "/usr/sbin/sshd", "-D", "-e", "-p", SshPort.ToString(), "-o", "ListenAddress=127.0.0.1", "-o", "UsePAM=no"])
                .WithValidation(CommandResultValidation.None)
                .WithStandardErrorPipe(PipeTarget.ToFile(Root + "-sshd.log"))
                .ExecuteAsync(_stop.Token);
            if (await ServesSshAsync(SshPort, _sshd, TimeSpan.FromSeconds(20)))
                return;
            if (attempt == 3)
                throw new InvalidOperationException($"sshd in the Debian host did not start: {File.ReadAllText(Root + "-sshd.log")}");
        }
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sshd is not null)
        {
            try { await _sshd; } catch (OperationCanceledException) { }
        }
        KillProcessesInside();
        if (Directory.Exists(Path.Combine(Root, "proc")))
            await Cli.Wrap("umount").WithArguments(["-l", Path.Combine(Root, "proc")]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        foreach (var path in new[] { Root, Root + "-keys" })
            await Cli.Wrap("rm").WithArguments(["-rf", "--one-file-system", path]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        File.Delete(Root + "-sshd.log");
    }

    /// <summary>Every process whose root is this host (sshd sessions, nginx the role started).</summary>
    private void KillProcessesInside()
    {
        foreach (var directory in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var root = new DirectoryInfo(Path.Combine(directory, "root")).LinkTarget;
                if (root is not null && (root == Root || root.StartsWith(Root + "/", StringComparison.Ordinal)))
                    System.Diagnostics.Process.GetProcessById(int.Parse(Path.GetFileName(directory))).Kill();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException) { }
        }
    }


    private Task Chroot(params string[] arguments) => Run("chroot", [Root, .. arguments]);

    private static async Task Run(string executable, params string[] arguments)
    {
        var result = await Cli.Wrap(executable).WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput[^Math.Min(2000, result.StandardOutput.Length)..]}");
    }

    /// <summary>Whether our sshd (still running) answers on the port with an SSH banner before the timeout.</summary>
    private static async Task<bool> ServesSshAsync(int port, CommandTask<CommandResult> sshd, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !sshd.Task.IsCompleted)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var reader = new StreamReader(client.GetStream());
                var banner = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
                if (banner?.StartsWith("SSH-2.0-OpenSSH", StringComparison.Ordinal) == true)
                    return !sshd.Task.IsCompleted;
            }
            catch (Exception e) when (e is SocketException or IOException or TimeoutException) { }
            await Task.Delay(100);
        }
        return false;
    }
}
