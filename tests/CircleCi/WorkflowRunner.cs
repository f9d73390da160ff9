using System.Text.Json.Nodes;

namespace Tests.CircleCi;

/// <summary>What became of one job of a simulated workflow.</summary>
public sealed record WorkflowJobOutcome(string Name, string Status, string? Command);

/// <summary>
/// One job to run: its target's command, the job's <c>environment</c>, and the run steps before the target that
/// prepare the machine (cache keys, cache folders), without the setup steps that install tools.
/// </summary>
public sealed record SimulatedJob(string Name, string Command, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Preparation);

/// <summary>
/// Runs a workflow of the generated .circleci/config.yml the way CircleCI orders it: a job starts once every job it
/// requires succeeded; a failure leaves everything after it not run; approval jobs are approved at once. Each job's
/// command is the run step named after its target, with job and pipeline parameters filled in; setup steps that
/// install tools (the machine has them) are not run, the other steps before it are handed over to run.
/// </summary>
public static class WorkflowRunner
{
    public static async Task<IReadOnlyList<WorkflowJobOutcome>> RunAsync(
        string configYaml, string workflow, IReadOnlyDictionary<string, string> pipelineParameters, Func<SimulatedJob, Task<bool>> runJob)
    {
        var config = ConfigProcessing.Process(configYaml);
        var entries = config["workflows"]![workflow]!["jobs"]!.AsArray()
            .Select(e => e!.AsObject().Single())
            .Select(e => (Job: e.Key, Body: e.Value?.AsObject() ?? new JsonObject()))
            .ToList();
        var status = new Dictionary<string, string>(StringComparer.Ordinal);
        var outcomes = new List<WorkflowJobOutcome>();
        while (outcomes.Count < entries.Count)
        {
            var next = entries.Where(e => !status.ContainsKey(Name(e))).FirstOrDefault(e => Requires(e.Body).All(r => status.ContainsKey(r.Job)));
            var (job, body) = next;
            var name = Name(next);
            if (Requires(body).Any(r => !r.Statuses.Contains(status[r.Job])))
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
            var definition = config["jobs"]![job]!.AsObject();
            var environment = definition["environment"]?.AsObject().ToDictionary(e => e.Key, e => PipelineValues(e.Value!.ToString(), pipelineParameters)) ?? [];
            var succeeded = await runJob(new SimulatedJob(name, command, environment, Preparation(definition, job)));
            status[name] = succeeded ? "succeeded" : "failed";
            outcomes.Add(new WorkflowJobOutcome(name, status[name], command));
        }
        return outcomes;
    }

    private static string Name((string Job, JsonObject Body) entry) => (string?)entry.Body["name"] ?? entry.Job;

    /// <summary>The pipeline values CircleCI fills in (parameters not given are empty); this simulated pipeline is number 42.</summary>
    private static string PipelineValues(string text, IReadOnlyDictionary<string, string> pipelineParameters)
    {
        text = text.Replace("<< pipeline.number >>", "42", StringComparison.Ordinal);
        foreach (var (name, value) in pipelineParameters)
            text = text.Replace($"<< pipeline.parameters.{name} >>", value, StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(text, @"<< pipeline\.parameters\.[a-z-]+ >>", "");
    }

    /// <summary>
    /// What a job waits for: a job name (it must succeed), or <c>{job: [failed, canceled]}</c> (it must end in one of
    /// those; a simulated job is never cancelled).
    /// </summary>
    private static IEnumerable<(string Job, IReadOnlySet<string> Statuses)> Requires(JsonObject body) =>
        body["requires"]?.AsArray().Select(r => r is JsonObject map
            ? (map.Single().Key, (IReadOnlySet<string>)map.Single().Value!.AsArray().Select(s => (string)s!).ToHashSet())
            : ((string)r!, (IReadOnlySet<string>)new HashSet<string> { "succeeded" })) ?? [];

    private static IReadOnlyList<string> Preparation(JsonObject definition, string job) =>
        [.. definition["steps"]!.AsArray().OfType<JsonObject>()
            .Select(s => s["run"] as JsonObject).Where(r => r is not null)
            .TakeWhile(r => (string?)r!["name"] != job)
            .Where(r => !((string?)r!["name"] ?? "").StartsWith("Set up:", StringComparison.Ordinal))
            .Select(r => (string)r!["command"]!)];

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
