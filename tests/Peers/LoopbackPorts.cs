using System.Net;
using System.Net.Sockets;

namespace Tests.Peers;

/// <summary>
/// Ports for the servers the tests start as processes (sshd, moto_server, nginx), which bind them only later:
/// chosen below the kernel's ephemeral range, where bind(0) and outgoing connections never land, and never the same
/// twice in this test process. A port taken from bind(0) and released could be handed to another test's server
/// before ours binds it (seen: the Debian host's sshd lost its port during debootstrap).
/// </summary>
public static class LoopbackPorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Reserve()
    {
        var below = EphemeralStart();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Math.Max(1024, below - 12_000), below);
                if (Given.Add(port) && IsFree(port))
                    return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port below {below}.");
    }

    /// <summary>The first port of the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range).</summary>
    private static int EphemeralStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start) && start > 2048
            ? start
            : 32768;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
