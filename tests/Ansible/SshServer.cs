using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;

namespace Tests.Ansible;

/// <summary>
/// A real sshd on 127.0.0.1 and a free port, with a throwaway host key and a throwaway user key for the current
/// user. Started on demand (possibly late, to test waiting), stopped and deleted on dispose.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _process;

    private SshServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }
    public string HostPublicKey => File.ReadAllText(Path.Combine(Directory, "host_ed25519.pub")).Trim();
    public string UserPrivateKey => File.ReadAllText(Path.Combine(Directory, "user_ed25519"));
    public static string User => System.Environment.UserName;

    public static string? SshdPath => new[] { "/usr/sbin/sshd", "/usr/local/sbin/sshd" }.FirstOrDefault(File.Exists);

    public static async Task<SshServer> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sshd-test-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new SshServer(directory, Peers.LoopbackPorts.Reserve());
        await KeygenAsync(Path.Combine(directory, "host_ed25519"));
        await KeygenAsync(Path.Combine(directory, "user_ed25519"));
        File.Copy(Path.Combine(directory, "user_ed25519.pub"), Path.Combine(directory, "authorized_keys"));
        File.WriteAllText(Path.Combine(directory, "sshd_config"), $"""
            Port {server.Port}
            ListenAddress 127.0.0.1
            HostKey {directory}/host_ed25519
            AuthorizedKeysFile {directory}/authorized_keys
            PidFile {directory}/sshd.pid
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            Subsystem sftp internal-sftp
            """ + "\n");
        return server;
    }

    /// <summary>A second host key, for "the host presents another key" tests.</summary>
    public async Task<string> OtherHostKeyAsync()
    {
        var path = Path.Combine(Directory, "other_ed25519");
        await KeygenAsync(path);
        return File.ReadAllText(path + ".pub").Trim();
    }

    public void Start()
    {
        // Privilege separation needs this directory when sshd runs as root.
        if (System.Environment.UserName == "root")
            System.IO.Directory.CreateDirectory("/run/sshd");
        _process = Cli.Wrap(SshdPath!)
            .WithArguments(["-D", "-e", "-f", Path.Combine(Directory, "sshd_config")])
            .WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToFile(Path.Combine(Directory, "sshd.log")))
            .ExecuteAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_process is not null)
        {
            try { await _process; } catch (OperationCanceledException) { }
        }
        _stop.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private static async Task KeygenAsync(string path) =>
        await Cli.Wrap("ssh-keygen").WithArguments(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path]).ExecuteBufferedAsync();
}
