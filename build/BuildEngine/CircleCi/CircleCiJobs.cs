using BuildEngine.Definition;
using static BuildEngine.CircleCi.CircleCiCommands;

namespace BuildEngine.CircleCi;

/// <summary>
/// The job of one target: the shared executor and commands around its own lines (set-up, <c>./build.sh</c>, the files
/// it hands on), so that each job reads as what is particular to it.
/// </summary>
internal static class CircleCiJobs
{
    public static CircleCiJob Define(TargetNode target, CircleCiPipeline pipeline, IReadOnlyList<WorkflowModel> workflows)
    {
        var settings = pipeline.Jobs.GetValueOrDefault(target.Name) ?? new CircleCiJobSettings();
        var invocations = workflows.SelectMany(w => w.Jobs).Where(j => j.Job == target.Name && !j.IsApproval).ToList();
        var defaultProfile = invocations.Select(j => j.Profile).FirstOrDefault(p => p is not null);
        var hasProfile = defaultProfile is not null;
        var attaches = invocations.Any(j => j.AttachWorkspace);

        var parameters = new Dictionary<string, object?>();
        if (hasProfile)
            parameters[ProfileParameter] = new FlowMapping { ["type"] = "string", ["default"] = defaultProfile };
        if (attaches)
            parameters[AttachParameter] = new FlowMapping { ["type"] = "boolean", ["default"] = false };

        var steps = new List<object>
        {
            attaches ? Step(Prepare, new FlowMapping { [AttachParameter] = $"<< parameters.{AttachParameter} >>" }) : Prepare,
        };
        steps.AddRange(settings.Setup.Select(s => s.Name));

        var arguments = new List<string> { "./build.sh", target.Name, "--skip" };
        if (hasProfile) arguments.AddRange(["--profile", $"<< parameters.{ProfileParameter} >>"]);
        arguments.AddRange(settings.Arguments);
        var run = new Dictionary<string, object?> { ["name"] = target.Name, ["command"] = string.Join(' ', arguments) };
        // The build prints a heartbeat every minute while a tool is silent; this bounds a build that hangs altogether.
        if (target.MaxDuration is { } maximum)
            run["no_output_timeout"] = $"{Math.Ceiling(maximum.TotalMinutes):0}m";
        steps.Add(Step("run", run));

        if (target.Produces.Length > 0)
            steps.Add(Step("persist_to_workspace", new() { ["root"] = ".", ["paths"] = target.Produces.Cast<object>().ToList() }));
        steps.Add(hasProfile && FinishTakesProfile(pipeline)
            ? Step(Finish, new FlowMapping { [ProfileParameter] = $"<< parameters.{ProfileParameter} >>" })
            : Finish);
        foreach (var artifact in settings.Artifacts)
        {
            if (IsPerProfile(artifact) && !hasProfile) continue;
            steps.Add(Step("store_artifacts", new FlowMapping { ["path"] = artifact.Replace("{profile}", $"<< parameters.{ProfileParameter} >>", StringComparison.Ordinal) }));
        }

        var definition = new Dictionary<string, object?> { ["description"] = target.Description ?? target.Name };
        var environment = settings.Environment;
        if (settings.Image is { } image && image != pipeline.Image)
        {
            // Another image is another executor's business: this job states where it runs in full.
            definition["docker"] = new List<object> { new Dictionary<string, object?> { ["image"] = image } };
            definition["resource_class"] = settings.ResourceClass ?? pipeline.ResourceClass;
            environment = pipeline.Environment.Concat(settings.Environment).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        }
        else
        {
            definition["executor"] = Executor;
            if (settings.ResourceClass is { } resourceClass && resourceClass != pipeline.ResourceClass)
                definition["resource_class"] = resourceClass;
        }
        if (parameters.Count > 0)
            definition["parameters"] = parameters;
        if (environment.Count > 0)
            definition["environment"] = environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => (object?)e.Value);
        definition["steps"] = steps;
        return new CircleCiJob(target.Name, definition);
    }
}
