using System.Text;

namespace Pipeline.Ansible;

/// <summary>
/// The files one Ansible run needs — private key (0600), known_hosts, inventory, SSH control sockets — in a
/// directory of their own, removed when the run ends whatever happens.
/// </summary>
public sealed class RunFiles : IDisposable
{
    /// <summary>Unix socket paths are limited to 104–108 bytes; Ansible appends a 10-character name.</summary>
    private const int LongestControlDirectory = 90;

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
        if (controlPath.Length > LongestControlDirectory)
            controlPath = Path.Combine(Path.GetTempPath(), "ansible-cp-" + id);
        return new RunFiles(directory, CreatePrivateDirectory(controlPath));
    }

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

    /// <summary>An INI inventory: the host in group <c>web</c>, which is a child of the environment's group (group_vars).</summary>
    public string WriteInventory(AnsibleTarget target, string environment, SshAccess access)
    {
        var path = Path.Combine(Directory, "inventory.ini");
        var options = string.Join(' ', access.Options());
        File.WriteAllText(path, $"""
            [web]
            {target.Name} ansible_host={target.Address} ansible_port={target.Port} ansible_user={target.User} ansible_ssh_private_key_file={access.PrivateKeyFile} ansible_ssh_common_args="{options}"

            [{environment}:children]
            web

            """);
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
