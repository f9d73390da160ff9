using BuildEngine.Processes;

namespace Pipeline.Ansible;

/// <summary>A playbook run that did not succeed: the failed task and host are in the message.</summary>
public sealed class AnsibleFailedException(string message) : Exception(message);

/// <summary>The Ansible CLIs (ansible-playbook, ansible-lint) through the engine's tool runner.</summary>
public sealed class AnsibleCli(ToolRunner tools, string playbookExecutable, string ansibleDirectory)
{
    private IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["ANSIBLE_CONFIG"] = Path.Combine(ansibleDirectory, "ansible.cfg"),
        ["ANSIBLE_NOCOLOR"] = "1",
        ["ANSIBLE_FORCE_COLOR"] = "0",
        ["ANSIBLE_RETRY_FILES_ENABLED"] = "0",
        ["PYTHONUNBUFFERED"] = "1",
    };

    public async Task SyntaxCheckAsync(string playbook, CancellationToken cancellationToken)
    {
        var inventory = Path.Combine(Path.GetTempPath(), $"syntax-inventory-{Guid.NewGuid():N}.ini");
        await File.WriteAllTextAsync(inventory, "[web]\nsyntax-check ansible_connection=local\n", cancellationToken);
        try
        {
            var result = await tools.RunAsync(new ToolInvocation(playbookExecutable, ["--syntax-check", "-i", inventory, playbook])
            {
                WorkingDirectory = ansibleDirectory,
                Environment = Environment,
            }, cancellationToken);
            if (result.ExitCode != 0)
                throw new AnsibleFailedException($"ansible-playbook --syntax-check {Path.GetFileName(playbook)} failed: {result.StandardError.Concat(result.StandardOutput).FirstOrDefault(l => l.Contains("ERROR", StringComparison.Ordinal))?.Trim() ?? $"exit code {result.ExitCode}"}");
        }
        finally
        {
            File.Delete(inventory);
        }
    }

    public async Task LintAsync(string lintExecutable, CancellationToken cancellationToken)
    {
        var result = await tools.RunAsync(new ToolInvocation(lintExecutable, ["--nocolor", "site.yml"]) { WorkingDirectory = ansibleDirectory, Environment = Environment }, cancellationToken);
        if (result.ExitCode != 0)
            throw new AnsibleFailedException($"ansible-lint found problems in {ansibleDirectory} (listed above).");
    }

    /// <summary>Runs the playbook, streaming its output, and returns what its recap says.</summary>
    public async Task<PlayRecap> PlaybookAsync(string playbook, string inventory, string controlPathDirectory, IReadOnlyDictionary<string, string> extraVariables, CancellationToken cancellationToken)
    {
        var recap = new PlayRecap();
        // One JSON object: key=value pairs would be split at spaces, letting a value set other variables.
        var variables = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in extraVariables)
            variables[key] = value;
        List<string> arguments = ["-i", inventory, "-e", variables.ToJsonString(), playbook];
        var result = await tools.RunAsync(new ToolInvocation(playbookExecutable, arguments)
        {
            WorkingDirectory = ansibleDirectory,
            Environment = new Dictionary<string, string?>(Environment) { ["ANSIBLE_SSH_CONTROL_PATH_DIR"] = controlPathDirectory },
            OnOutputLine = line =>
            {
                recap.Read(line);
                tools.Echo(line);
            },
        }, cancellationToken);
        if (result.ExitCode != 0 && recap.Hosts.Count == 0)
        {
            var error = result.StandardError.Concat(result.StandardOutput).FirstOrDefault(l => l.Contains("ERROR", StringComparison.Ordinal))?.Trim();
            throw new AnsibleFailedException($"ansible-playbook failed before any host ran (exit code {result.ExitCode}): {error ?? "see the output above"}");
        }
        return recap;
    }
}
