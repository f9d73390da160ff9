using System.Text;
using YamlDotNet.Serialization;

namespace BuildEngine.CircleCi;

/// <summary>
/// Writes the object model as YAML through YamlDotNet (no hand-made escaping): version 2.1, a generated-file
/// header, deterministic output with LF line endings.
/// </summary>
public static class CircleCiWriter
{
    public static string Write(CircleCiConfig config)
    {
        var document = new Dictionary<string, object?> { ["version"] = 2.1 };
        if (config.Setup) document["setup"] = true;
        if (config.Parameters.Count > 0)
        {
            document["parameters"] = config.Parameters.ToDictionary(p => p.Name, p => (object?)new Dictionary<string, object?>
            {
                ["type"] = "string", ["default"] = "", ["description"] = p.Description,
            });
        }
        if (config.Executors.Count > 0)
            document["executors"] = config.Executors.ToDictionary(e => e.Name, e => (object?)Executor(e));
        if (config.Commands.Count > 0)
            document["commands"] = config.Commands.ToDictionary(c => c.Name, c => (object?)Command(c));
        document["jobs"] = config.Jobs.ToDictionary(j => j.Name, j => (object?)j.Definition);
        document["workflows"] = config.Workflows.ToDictionary(w => w.Name, w => (object?)Workflow(w, config.ScheduleTriggers));
        var serializer = new SerializerBuilder()
            .WithEventEmitter(next => new YamlFlowStyle(next))
            .WithIndentedSequences()
            .WithQuotingNecessaryStrings()
            .DisableAliases()
            .Build();
        using var writer = new StringWriter { NewLine = "\n" };
        foreach (var line in config.Header)
            writer.Write("# " + line.Replace('\r', ' ').Replace('\n', ' ') + "\n");
        writer.Write("\n");
        serializer.Serialize(writer, YamlFlowStyle.Compact(document));
        return writer.ToString().ReplaceLineEndings("\n");
    }

    private static Dictionary<string, object?> Executor(CircleCiExecutor executor)
    {
        var result = new Dictionary<string, object?>
        {
            ["docker"] = new List<object> { new Dictionary<string, object?> { ["image"] = executor.Image } },
            ["resource_class"] = executor.ResourceClass,
        };
        if (executor.Environment.Count > 0)
            result["environment"] = executor.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => (object?)e.Value);
        return result;
    }

    private static Dictionary<string, object?> Command(CircleCiCommand command)
    {
        var result = new Dictionary<string, object?> { ["description"] = command.Description };
        if (command.Parameters.Count > 0)
            result["parameters"] = command.Parameters.ToDictionary(p => p.Name, p => (object?)Declaration(p));
        result["steps"] = command.Steps.ToList();
        return result;
    }

    private static FlowMapping Declaration(CircleCiParameterDeclaration parameter)
    {
        var result = new FlowMapping { ["type"] = parameter.Type, ["default"] = parameter.Default };
        if (parameter.Description is not null) result["description"] = parameter.Description;
        return result;
    }

    private static Dictionary<string, object?> Workflow(WorkflowModel workflow, bool scheduleTriggers)
    {
        var declaration = workflow.Declaration;
        var result = new Dictionary<string, object?>();
        // A workflow for some branches says so once, in its condition, rather than in a filter on each of its jobs.
        var conditions = new List<object>();
        if (scheduleTriggers)
        {
            // A scheduled pipeline runs its own workflow only; a push or an API call never runs that one.
            var scheduled = Equal("scheduled_pipeline", "<< pipeline.trigger_source >>");
            if (declaration.Schedule is null)
                conditions.Add(new Dictionary<string, object?> { ["not"] = scheduled });
            else
                conditions.AddRange([scheduled, Equal(workflow.Name, "<< pipeline.schedule.name >>")]);
        }
        if (declaration.Schedule is null || scheduleTriggers)
        {
            var only = declaration.BranchesOnly.Select(b => (object)Equal(b, "<< pipeline.git.branch >>")).ToList();
            if (only.Count == 1) conditions.Add(only[0]);
            else if (only.Count > 1) conditions.Add(new Dictionary<string, object?> { ["or"] = only });
            conditions.AddRange(declaration.BranchesIgnore.Select(b => new Dictionary<string, object?> { ["not"] = Equal(b, "<< pipeline.git.branch >>") }));
        }
        conditions.AddRange(declaration.WhenParameters.Select(w => Equal(w.Value, $"<< pipeline.parameters.{w.Parameter} >>")));
        if (conditions.Count == 1) result["when"] = conditions[0];
        else if (conditions.Count > 1) result["when"] = new Dictionary<string, object?> { ["and"] = conditions };
        if (declaration.Schedule is not null && !scheduleTriggers)
        {
            result["triggers"] = new List<object>
            {
                new Dictionary<string, object?>
                {
                    ["schedule"] = new Dictionary<string, object?> { ["cron"] = declaration.Schedule, ["filters"] = BranchFilters(declaration) },
                },
            };
        }
        result["jobs"] = workflow.Jobs.Select(job => (object)new Dictionary<string, object?> { [job.Job] = Invocation(job) }).ToList();
        return result;
    }

    private static Dictionary<string, object?> Invocation(WorkflowJob job)
    {
        var body = new Dictionary<string, object?>();
        if (job.IsApproval)
        {
            body["type"] = "approval";
        }
        else
        {
            if (job.Name != job.Job) body["name"] = job.Name;
            if (job.Profile is not null) body[CircleCiCommands.ProfileParameter] = job.Profile;
            if (job.AttachWorkspace) body[CircleCiCommands.AttachParameter] = true;
            if (job.Contexts.Count > 0) body["context"] = job.Contexts.Cast<object>().ToList();
            if (job.SerialGroup is not null) body["serial-group"] = job.SerialGroup;
        }
        if (job.Requires.Count > 0)
            body["requires"] = job.RequiredStatuses is { } statuses
                ? new FlowSequence(job.Requires.Select(r => (object)new Dictionary<string, object?> { [r] = statuses.Cast<object>().ToList() }))
                : job.Requires.Cast<object>().ToList();
        return body;
    }

    private static Dictionary<string, object?> Equal(string value, string expression) =>
        new() { ["equal"] = new List<object> { value, expression } };

    private static Dictionary<string, object?> BranchFilters(CircleCiWorkflow declaration)
    {
        var branches = new Dictionary<string, object?>();
        if (declaration.BranchesOnly.Count > 0) branches["only"] = declaration.BranchesOnly.Cast<object>().ToList();
        if (declaration.BranchesIgnore.Count > 0) branches["ignore"] = declaration.BranchesIgnore.Cast<object>().ToList();
        return new FlowMapping { ["branches"] = branches };
    }
}
