namespace BuildEngine.CircleCi;

/// <summary>
/// Checks a schema cannot make, enforced on the generator's own output: every requires names a job of the same
/// workflow, workflows have no cycles, every invoked job is defined, approval jobs exist only inline, every
/// pipeline parameter a workflow's condition names is declared.
/// </summary>
public static class CircleCiValidator
{
    public static void Validate(CircleCiConfig config)
    {
        ValidateReuse(config);
        var defined = config.Jobs.Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        var parameters = config.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var workflow in config.Workflows)
        {
            foreach (var (parameter, _) in workflow.Declaration.WhenParameters.Where(w => !parameters.Contains(w.Parameter)))
                throw new CircleCiConfigException($"Workflow '{workflow.Name}' runs when pipeline parameter '{parameter}' has a value, but no such parameter is declared.");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var job in workflow.Jobs)
            {
                if (!names.Add(job.Name))
                    throw new CircleCiConfigException($"Workflow '{workflow.Name}' has two jobs named '{job.Name}'.");
                if (job.IsApproval && defined.Contains(job.Job))
                    throw new CircleCiConfigException($"Approval job '{job.Name}' in workflow '{workflow.Name}' is also defined under jobs; approval jobs exist only inline.");
                if (!job.IsApproval && !defined.Contains(job.Job))
                    throw new CircleCiConfigException($"Workflow '{workflow.Name}' invokes job '{job.Job}', which is not defined.");
            }
            foreach (var job in workflow.Jobs)
            {
                foreach (var required in job.Requires.Where(r => !names.Contains(r)))
                    throw new CircleCiConfigException($"Job '{job.Name}' in workflow '{workflow.Name}' requires '{required}', which is not a job of that workflow.");
            }
            ThrowOnCycle(workflow);
        }
    }

    private static readonly HashSet<string> BuiltInSteps = new(StringComparer.Ordinal)
    {
        "run", "checkout", "when", "unless", "save_cache", "restore_cache", "persist_to_workspace", "attach_workspace",
        "store_artifacts", "store_test_results", "add_ssh_keys", "setup_remote_docker",
    };

    /// <summary>Every executor and command a job names is defined, and every argument a command is given it declares.</summary>
    private static void ValidateReuse(CircleCiConfig config)
    {
        var executors = config.Executors.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var commands = config.Commands.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var command in config.Commands.Where(c => BuiltInSteps.Contains(c.Name)))
            throw new CircleCiConfigException($"Command '{command.Name}' has the name of one of CircleCI's own steps.");
        var bodies = config.Jobs.Select(j => (Where: $"Job '{j.Name}'", Definition: j.Definition))
            .Concat(config.Commands.Select(c => (Where: $"Command '{c.Name}'", Definition: new Dictionary<string, object?> { ["steps"] = c.Steps.ToList() })));
        foreach (var (where, definition) in bodies)
        {
            if (definition.GetValueOrDefault("executor") is string executor && !executors.Contains(executor))
                throw new CircleCiConfigException($"{where} runs on executor '{executor}', which is not defined.");
            foreach (var step in definition.GetValueOrDefault("steps") as IEnumerable<object> ?? [])
            {
                var (name, arguments) = step switch
                {
                    string text => (text, null),
                    IDictionary<string, object?> map when map.Count == 1 => (map.Keys.Single(), map.Values.Single() as IDictionary<string, object?>),
                    _ => throw new CircleCiConfigException($"{where} has a step that is neither a name nor a mapping of one step."),
                };
                if (BuiltInSteps.Contains(name)) continue;
                if (!commands.TryGetValue(name, out var command))
                    throw new CircleCiConfigException($"{where} invokes command '{name}', which is not defined.");
                foreach (var argument in arguments?.Keys.Where(k => command.Parameters.All(p => p.Name != k)) ?? [])
                    throw new CircleCiConfigException($"{where} gives command '{name}' the parameter '{argument}', which it does not declare.");
            }
        }
    }

    private static void ThrowOnCycle(WorkflowModel workflow)
    {
        var requires = workflow.Jobs.ToDictionary(j => j.Name, j => j.Requires);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        void Visit(string name, List<string> path)
        {
            if (state.GetValueOrDefault(name) == 2) return;
            if (state.GetValueOrDefault(name) == 1)
                throw new CircleCiConfigException($"Workflow '{workflow.Name}' has a cycle: {string.Join(" -> ", path.SkipWhile(p => p != name).Append(name))}.");
            state[name] = 1;
            path.Add(name);
            foreach (var next in requires[name]) Visit(next, path);
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
        }
        foreach (var job in workflow.Jobs) Visit(job.Name, []);
    }
}
