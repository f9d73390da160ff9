using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Ansible;
using Pipeline.Aws;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>The configuration steps: check the playbooks, then configure the host over SSH with a pinned host key.</summary>
partial class Build
{
    [Parameter("ansible-playbook executable")] readonly string AnsiblePlaybookExecutable = "ansible-playbook";
    [Parameter("ansible-lint executable (AnsibleValidate runs it when installed)")] readonly string AnsibleLintExecutable = "ansible-lint";
    [Parameter("Playbook AnsibleConfigure runs (default ansible/site.yml)"), ExistingFile] readonly AbsolutePath? AnsiblePlaybook;
    [Parameter("Extra variables for the playbook, key=value"), KeyValue] readonly string[] AnsibleExtraVars = [];
    [Parameter("Configure this host directly instead of the instance in Terraform's outputs"), Host] readonly string? AnsibleHost;
    [Parameter("SSH port"), Range(1, 65_535)] readonly int AnsiblePort = 22;
    [Parameter("SSH user (default: Terraform's ssh_user output, else ubuntu)"), UserName] readonly string? AnsibleUser;
    [Parameter("The host's public key to pin, e.g. 'ssh-ed25519 AAAA…' (direct hosts)")] readonly string? AnsibleHostKey;
    [Parameter("Trust the host key presented first (accept-new) instead of pinning one: NOT recommended")] readonly bool AnsibleAcceptNewHostKey;
    [Parameter("Private key Ansible connects with (the key itself, not a path)"), Secret, MultiLine] readonly string? SshPrivateKey;
    [Parameter("File holding the private key Ansible connects with, like ssh -i (when --ssh-private-key is not given)"), ExistingFile] readonly AbsolutePath? SshPrivateKeyFile;
    [Parameter("How long to wait for the instance to run with status checks OK"), Range(1, 86_400)] readonly int InstanceReadyTimeoutSeconds = 600;
    [Parameter("How long to wait for SSH to answer"), Range(1, 86_400)] readonly int SshReadyTimeoutSeconds = 300;
    [Parameter("Interval between readiness checks in milliseconds"), Range(1, 600_000)] readonly int ReadinessPollMs = 10_000;

    AbsolutePath AnsibleDirectory => RootDirectory / "ansible";
    AnsibleCli Ansible => new(Tools, AnsiblePlaybookExecutable, AnsibleDirectory);

    async Task ValidatePlaybooksAsync(CancellationToken cancellationToken)
    {
        RequireTool(AnsiblePlaybookExecutable, "AnsibleValidate");
        await Ansible.SyntaxCheckAsync(AnsibleDirectory / "site.yml", cancellationToken);
        if (BuildEngine.Processes.ToolRunner.IsInstalled(AnsibleLintExecutable, EnvironmentVariables))
            await Ansible.LintAsync(AnsibleLintExecutable, cancellationToken);
        else
            Output.Info($"{AnsibleLintExecutable} is not installed; syntax check only.");
        Summaries.Set(nameof(AnsibleValidate), "playbooks pass --syntax-check");
    }

    async Task ConfigureHostAsync(CancellationToken cancellationToken)
    {
        var privateKey = ReadPrivateKey(); // local inputs first: no wait for a host that a bad key could never reach
        var (target, hostKeys) = AnsibleHost is null ? await InstanceFromOutputsAsync(cancellationToken) : DirectHost();
        using var files = RunFiles.Create(TemporaryDirectory / "ansible");
        string? knownHosts = null;
        if (AnsibleAcceptNewHostKey)
            Output.Warning($"!!! Host key checking is accept-new: the first key {target.Address} presents is trusted, unverified. Pin it instead. !!!");
        else
            knownHosts = files.WriteKnownHosts(target, hostKeys);

        var poll = TimeSpan.FromMilliseconds(ReadinessPollMs);
        await new SshReadiness(Output.Info, poll).WaitAsync(target, TimeSpan.FromSeconds(SshReadyTimeoutSeconds), cancellationToken);
        var access = new SshAccess(files.WritePrivateKey(privateKey), knownHosts);
        var inventory = files.WriteInventory(target, DeployEnvironment, access);
        var variables = new Dictionary<string, string> { ["deploy_commit"] = Ci.Commit ?? "unknown", ["deploy_environment"] = DeployEnvironment };
        foreach (var pair in AnsibleExtraVars.Select(v => v.Split('=', 2)).Where(p => p.Length == 2))
            variables[pair[0]] = pair[1];

        var recap = await Ansible.PlaybookAsync(AnsiblePlaybook ?? AnsibleDirectory / "site.yml", inventory, files.ControlPathDirectory, variables, cancellationToken);
        recap.Save(TemporaryDirectory / "ansible" / "recap.json");
        Summaries.Set(nameof(AnsibleConfigure), string.Join("; ", recap.Hosts.Select(h => $"{h.Host}: ok={h.Ok} changed={h.Changed} failed={h.Failed} unreachable={h.Unreachable}")));
        if (!recap.Succeeded)
            throw new AnsibleFailedException(FailureMessage(recap, target));
    }

    /// <summary>The key itself, or the file's contents, which are masked from then on like the parameter.</summary>
    string ReadPrivateKey()
    {
        if (!string.IsNullOrWhiteSpace(SshPrivateKey))
            return SshPrivateKey;
        var key = File.ReadAllText(SshPrivateKeyFile!);
        Secrets.Register(key);
        if (!key.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new InvalidDataException($"SSH private key file {SshPrivateKeyFile} (--ssh-private-key-file) holds no private key; expected a PEM or OpenSSH private key ('-----BEGIN … PRIVATE KEY-----').");
        return key;
    }

    static string FailureMessage(PlayRecap recap, AnsibleTarget target)
    {
        var failure = recap.Failures.FirstOrDefault();
        if (failure is null)
            return recap.Hosts.Count == 0 ? "the playbook reported no hosts" : $"{target.Name} failed (see the recap)";
        if (failure.Message.Contains("Host key verification failed", StringComparison.Ordinal) || failure.Message.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
            return $"host key verification failed for {target.Address}:{target.Port}: the key it presented is not the pinned one; nothing ran on it.";
        return $"task '{failure.Task}' failed on {failure.Host}: {failure.Message}";
    }

    (AnsibleTarget, IReadOnlyList<string>) DirectHost()
    {
        if (string.IsNullOrWhiteSpace(AnsibleHostKey) && !AnsibleAcceptNewHostKey)
            throw new InvalidOperationException($"No host key to pin for {AnsibleHost}: pass --ansible-host-key 'ssh-ed25519 AAAA…' (from ssh-keyscan on a trusted network or the host's /etc/ssh/*.pub).");
        var key = AnsibleHostKey is null ? null : HostKey.TryParse(AnsibleHostKey)
            ?? throw new InvalidOperationException("--ansible-host-key is not a public key; expected '<type> <base64>', e.g. 'ssh-ed25519 AAAA…'.");
        return (new AnsibleTarget(AnsibleHost!, AnsibleHost!, AnsiblePort, AnsibleUser ?? "ubuntu"), key is null ? [] : [key.ToString()]);
    }

    async Task<(AnsibleTarget, IReadOnlyList<string>)> InstanceFromOutputsAsync(CancellationToken cancellationToken)
    {
        var outputs = TerraformOutputs.Load(OutputsFile);
        string Required(string name) => outputs[name]?.AsString is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"Terraform outputs {OutputsFile} have no '{name}'; expected the outputs of infra/ (instance_id, public_ip, ssh_user).");
        var instanceId = Required("instance_id");
        var target = new AnsibleTarget(instanceId, Required("public_ip"), AnsiblePort, AnsibleUser ?? outputs["ssh_user"]?.AsString ?? "ubuntu");

        using var ec2 = AwsSettings.CreateEc2Client();
        var readiness = new InstanceReadiness(ec2, AwsRetries, Output.Info, TimeSpan.FromMilliseconds(ReadinessPollMs));
        var timeout = TimeSpan.FromSeconds(InstanceReadyTimeoutSeconds);
        await readiness.WaitUntilReadyAsync(instanceId, timeout, cancellationToken);
        if (AnsibleAcceptNewHostKey)
            return (target, []);
        var keys = await readiness.HostKeysAsync(instanceId, timeout, cancellationToken);
        Output.Info($"Pinned host keys from {instanceId}'s console: {string.Join(", ", keys.Select(k => $"{k.Type} {k.Fingerprint}"))}");
        return (target, [.. keys.Select(k => k.ToString())]);
    }
}
