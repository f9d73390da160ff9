using System.Text;

namespace Pipeline.Ansible;

/// <summary>
/// The files one Ansible run needs — private key (0600), known_hosts, inventory — in a directory of their own,
/// removed when the run ends whatever happens.
/// </summary>
public sealed class RunFiles : IDisposable
{
    private RunFiles(string directory) => Directory = directory;

    public string Directory { get; }

    public static RunFiles Create(string parent)
    {
        var directory = Path.Combine(parent, "run-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new RunFiles(directory);
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
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
