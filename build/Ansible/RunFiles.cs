using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Ansible;

/// <summary>
/// The files one Ansible run needs — private key (0600), known_hosts, inventory, SSH control sockets — in a
/// directory of their own, removed when the run ends whatever happens.
/// </summary>
public sealed class RunFiles : IDisposable
{
    /// <summary>
    /// A Unix socket path holds at most 107 bytes on Linux (108 with its NUL) and 103 on macOS and the BSDs. In the
    /// control directory Ansible names each socket with 10 hex characters, and ssh first binds it under that name plus
    /// a 17-character temporary suffix (<c>.XXXXXXXXXXXXXXXX</c>) before renaming it.
    /// </summary>
    private static int LongestSocketPath => OperatingSystem.IsLinux() ? 107 : 103;

    private const int SocketNameBytes = 1 + 10 + 17;

    private RunFiles(string directory, string controlPathDirectory)
    {
        Directory = directory;
        ControlPathDirectory = controlPathDirectory;
    }

    public string Directory { get; }

    /// <summary>
    /// Where this run's SSH master connections live. Never shared with another run: a master left open by an earlier
    /// run (ControlPersist) would be reused without the pinned host key being checked again.
    /// </summary>
    public string ControlPathDirectory { get; }

    public static RunFiles Create(string parent)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var directory = CreatePrivateDirectory(Path.Combine(parent, "run-" + id));
        var controlPath = Path.Combine(directory, "cp");
        if (!FitsSocketPath(controlPath))
            controlPath = Path.Combine(Path.GetTempPath(), "ansible-cp-" + id);
        if (!FitsSocketPath(controlPath) && !OperatingSystem.IsWindows())
            controlPath = Path.Combine("/tmp", "ansible-cp-" + id);
        return new RunFiles(directory, CreatePrivateDirectory(controlPath));
    }

    /// <summary>Whether the longest socket path ssh makes in <paramref name="controlDirectory"/> fits a Unix socket address.</summary>
    public static bool FitsSocketPath(string controlDirectory) =>
        Encoding.UTF8.GetByteCount(controlDirectory) + SocketNameBytes <= LongestSocketPath;

    private static string CreatePrivateDirectory(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>Writes the private key readable by the owner only, as ssh requires.</summary>
    public string WritePrivateKey(string key)
    {
        var path = Path.Combine(Directory, "id_deploy");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        {
            // ssh refuses a key without its final newline.
            stream.Write(Encoding.ASCII.GetBytes(key.Replace("\r", "").TrimEnd('\n') + "\n"));
        }
        return path;
    }

    public string WriteKnownHosts(AnsibleTarget target, IEnumerable<string> hostKeys)
    {
        var path = Path.Combine(Directory, "known_hosts");
        File.WriteAllLines(path, hostKeys.Select(key => $"{target.KnownHostsName} {key.Trim()}"));
        return path;
    }

    /// <summary>
    /// The inventory, in JSON (which Ansible's YAML inventory plugin reads): the host in group <c>web</c>, a child of the
    /// environment's group (group_vars). Every value is a JSON string, so no value can add a group, a host or a variable.
    /// </summary>
    public string WriteInventory(AnsibleTarget target, string environment, SshAccess access)
    {
        var path = Path.Combine(Directory, "inventory.json");
        var host = new JsonObject
        {
            ["ansible_host"] = target.Address,
            ["ansible_port"] = target.Port,
            ["ansible_user"] = target.User,
            ["ansible_ssh_private_key_file"] = access.PrivateKeyFile,
            ["ansible_ssh_common_args"] = string.Join(' ', access.Options()),
        };
        var web = new JsonObject { ["hosts"] = new JsonObject { [target.Name] = host } };
        var inventory = new JsonObject
        {
            ["all"] = new JsonObject
            {
                ["children"] = new JsonObject { [environment] = new JsonObject { ["children"] = new JsonObject { ["web"] = web } } },
            },
        };
        File.WriteAllText(path, inventory.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }

    public void Dispose()
    {
        foreach (var directory in new[] { ControlPathDirectory, Directory })
        {
            try { System.IO.Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
