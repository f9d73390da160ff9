using BuildEngine.Processes;

namespace Pipeline.Ansible;

/// <summary>The host Ansible configures, and the host key it must present.</summary>
public sealed record AnsibleTarget(string Name, string Address, int Port, string User)
{
    /// <summary>How the host appears in known_hosts: <c>[host]:port</c> for a port other than 22.</summary>
    public string KnownHostsName => Port == 22 ? Address : $"[{Address}]:{Port}";
}

/// <summary>What a run needs to reach the host: its known_hosts file (or none, to accept a new key) and the key file.</summary>
public sealed record SshAccess(string PrivateKeyFile, string? KnownHostsFile)
{
    public IEnumerable<string> Options()
    {
        if (KnownHostsFile is null)
        {
            yield return "-o StrictHostKeyChecking=accept-new";
        }
        else
        {
            yield return "-o StrictHostKeyChecking=yes";
            yield return $"-o UserKnownHostsFile={ShellWords.Quote(KnownHostsFile)}";
        }
        yield return "-o IdentitiesOnly=yes";
        yield return "-o PasswordAuthentication=no";
        yield return "-o ConnectTimeout=15";
    }
}
