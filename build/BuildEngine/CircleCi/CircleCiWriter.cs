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
        if (config.Parameters.Count > 0)
        {
            document["parameters"] = config.Parameters.ToDictionary(p => p.Name, p => (object?)new Dictionary<string, object?>
            {
                ["type"] = "string", ["default"] = "", ["description"] = p.Description,
            });
        }
        document["jobs"] = config.Jobs.ToDictionary(j => j.Name, j => (object?)j.Definition);
        document["workflows"] = config.Workflows.ToDictionary(w => w.Name, w => (object?)Workflow(w));
        var serializer = new SerializerBuilder()
            .WithIndentedSequences()
            .WithQuotingNecessaryStrings()
            .DisableAliases()
            .Build();
        using var writer = new StringWriter { NewLine = "\n" };
        foreach (var line in config.Header)
            writer.Write("# " + line.Replace('\r', ' ').Replace('\n', ' ') + "\n");
        writer.Write("\n");
        serializer.Serialize(writer, document);
        return writer.ToString().ReplaceLineEndings("\n");
    }

    private static Dictionary<string, object?> Workflow(WorkflowModel workflow)
    {
        var declaration = workflow.Declaration;
        var result = new Dictionary<string, object?>();
        var conditions = declaration.WhenParameters
            .Select(w => (object)new Dictionary<string, object?> { ["equal"] = new List<object> { w.Value, $"<< pipeline.parameters.{w.Parameter} >>" } })
            .ToList();
        if (conditions.Count == 1) result["when"] = conditions[0];
        else if (conditions.Count > 1) result["when"] = new Dictionary<string, object?> { ["and"] = conditions };
        if (declaration.Schedule is not null)
        {
            result["triggers"] = new List<object>
            {
                new Dictionary<string, object?>
                {
                    ["schedule"] = new Dictionary<string, object?> { ["cron"] = declaration.Schedule, ["filters"] = BranchFilters(declaration) },
                },
            };
        }
        result["jobs"] = workflow.Jobs.Select(job => (object)new Dictionary<string, object?> { [job.Job] = Invocation(job, declaration) }).ToList();
        return result;
    }

    private static Dictionary<string, object?> Invocation(WorkflowJob job, CircleCiWorkflow declaration)
    {
        var body = new Dictionary<string, object?>();
        if (job.IsApproval)
        {
            body["type"] = "approval";
        }
        else
        {
            if (job.Name != job.Job) body["name"] = job.Name;
            if (job.Profile is not null) body[CircleCiJobs.ProfileParameter] = job.Profile;
            if (job.AttachWorkspace) body[CircleCiJobs.AttachParameter] = true;
            if (job.Contexts.Count > 0) body["context"] = job.Contexts.Cast<object>().ToList();
            if (job.SerialGroup is not null) body["serial-group"] = job.SerialGroup;
        }
        if (job.Requires.Count > 0)
            body["requires"] = job.RequiredStatuses is { } statuses
                ? job.Requires.Select(r => (object)new Dictionary<string, object?> { [r] = statuses.Cast<object>().ToList() }).ToList()
                : job.Requires.Cast<object>().ToList();
        // Scheduled workflows are filtered by their trigger; the others by each job's branch filter.
        if (declaration.Schedule is null && (declaration.BranchesOnly.Count > 0 || declaration.BranchesIgnore.Count > 0))
            body["filters"] = BranchFilters(declaration);
        return body;
    }

    private static Dictionary<string, object?> BranchFilters(CircleCiWorkflow declaration)
    {
        var branches = new Dictionary<string, object?>();
        if (declaration.BranchesOnly.Count > 0) branches["only"] = declaration.BranchesOnly.Cast<object>().ToList();
        if (declaration.BranchesIgnore.Count > 0) branches["ignore"] = declaration.BranchesIgnore.Cast<object>().ToList();
        return new Dictionary<string, object?> { ["branches"] = branches };
    }
}
