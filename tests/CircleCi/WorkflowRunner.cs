using System.Text.Json.Nodes;

namespace Tests.CircleCi;

/// <summary>What became of one job of a simulated workflow.</summary>
public sealed record WorkflowJobOutcome(string Name, string Status, string? Command);

/// <summary>
/// Runs a workflow of the generated .circleci/config.yml the way CircleCI orders it: a job starts once every job it
/// requires succeeded; a failure leaves everything after it not run; approval jobs are approved at once. Each job's
/// command is the run step named after its target, with job and pipeline parameters filled in; setup steps that
/// install tools (the machine has them) are not run.
/// </summary>
public static class WorkflowRunner
{
    public static async Task<IReadOnlyList<WorkflowJobOutcome>> RunAsync(
        string configYaml, string workflow, IReadOnlyDictionary<string, string> pipelineParameters, Func<string, string, Task<bool>> runJob)
    {
        var config = YamlJson.Convert(configYaml)!.AsObject();
        var entries = config["workflows"]![workflow]!["jobs"]!.AsArray()
            .Select(e => e!.AsObject().Single())
            .Select(e => (Job: e.Key, Body: e.Value?.AsObject() ?? new JsonObject()))
            .ToList();
        var status = new Dictionary<string, string>(StringComparer.Ordinal);
        var outcomes = new List<WorkflowJobOutcome>();
        while (outcomes.Count < entries.Count)
        {
            var next = entries.Where(e => !status.ContainsKey(Name(e))).FirstOrDefault(e => Requires(e.Body).All(status.ContainsKey));
            var (job, body) = next;
            var name = Name(next);
            if (Requires(body).Any(r => status[r] != "succeeded"))
            {
                status[name] = "not run";
                outcomes.Add(new WorkflowJobOutcome(name, "not run", null));
                continue;
            }
            if ((string?)body["type"] == "approval")
            {
                status[name] = "succeeded";
                outcomes.Add(new WorkflowJobOutcome(name, "approved", null));
                continue;
            }
            var command = Command(config, job, body, pipelineParameters);
            var succeeded = await runJob(name, command);
            status[name] = succeeded ? "succeeded" : "failed";
            outcomes.Add(new WorkflowJobOutcome(name, status[name], command));
        }
        return outcomes;
    }

    private static string Name((string Job, JsonObject Body) entry) => (string?)entry.Body["name"] ?? entry.Job;

    private static IEnumerable<string> Requires(JsonObject body) =>
        body["requires"]?.AsArray().Select(r => (string)r!) ?? [];

    private static string Command(JsonObject config, string job, JsonObject invocation, IReadOnlyDictionary<string, string> pipelineParameters)
    {
        var definition = config["jobs"]![job]!.AsObject();
        var run = definition["steps"]!.AsArray().OfType<JsonObject>()
            .Select(s => s["run"] as JsonObject).Single(r => r is not null && (string?)r["name"] == job)!;
        var command = (string)run["command"]!;
        foreach (var (name, declared) in definition["parameters"]?.AsObject() ?? [])
        {
            var value = invocation[name]?.ToString() ?? declared?["default"]?.ToString() ?? "";
            command = command.Replace($"<< parameters.{name} >>", value, StringComparison.Ordinal);
        }
        foreach (var (name, value) in pipelineParameters)
            command = command.Replace($"<< pipeline.parameters.{name} >>", value, StringComparison.Ordinal);
        return command;
    }
}
