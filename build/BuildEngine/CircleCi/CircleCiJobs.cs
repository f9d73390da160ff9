using BuildEngine.Definition;

namespace BuildEngine.CircleCi;

/// <summary>The job definition of one target: executor, parameters, and the steps around <c>./build.sh</c>.</summary>
internal static class CircleCiJobs
{
    public const string ProfileParameter = "profile";
    public const string AttachParameter = "attach-workspace";

    public static CircleCiJob Define(TargetNode target, CircleCiPipeline pipeline, IReadOnlyList<WorkflowModel> workflows)
    {
        var settings = pipeline.Jobs.GetValueOrDefault(target.Name) ?? new CircleCiJobSettings();
        var profiles = workflows.SelectMany(w => w.Jobs).Where(j => j.Job == target.Name && j.Profile is not null).Select(j => j.Profile!).ToList();
        var hasProfile = profiles.Count > 0;
        var defaultProfile = profiles.FirstOrDefault() ?? "";

        var parameters = new Dictionary<string, object?>();
        if (hasProfile)
            parameters[ProfileParameter] = new Dictionary<string, object?> { ["type"] = "string", ["default"] = defaultProfile, ["description"] = "Parameter profile (.nuke/parameters.<profile>.json)" };
        parameters[AttachParameter] = new Dictionary<string, object?> { ["type"] = "boolean", ["default"] = false, ["description"] = "Attach the workspace that earlier jobs persisted" };

        var steps = new List<object> { "checkout" };
        steps.Add(new Dictionary<string, object?>
        {
            ["when"] = new Dictionary<string, object?>
            {
                ["condition"] = $"<< parameters.{AttachParameter} >>",
                ["steps"] = new List<object> { new Dictionary<string, object?> { ["attach_workspace"] = new Dictionary<string, object?> { ["at"] = "." } } },
            },
        });
        foreach (var command in pipeline.CacheKeyCommands)
            steps.Add(Step("run", new Dictionary<string, object?> { ["name"] = $"Cache key: {FirstLine(command)}", ["command"] = command }));
        foreach (var cache in pipeline.Caches)
            steps.Add(Step("restore_cache", new Dictionary<string, object?> { ["keys"] = new List<object> { cache.Key } }));
        if (pipeline.Caches.Where(c => c.CreateFolders).SelectMany(c => c.Paths).ToList() is { Count: > 0 } folders)
            steps.Add(Step("run", new Dictionary<string, object?> { ["name"] = "Create cache folders", ["command"] = "mkdir -p " + string.Join(' ', folders.Select(Processes.ShellWords.Quote)) }));
        foreach (var command in settings.Setup)
            steps.Add(Step("run", new Dictionary<string, object?> { ["name"] = $"Set up: {FirstLine(command)}", ["command"] = command }));

        var arguments = new List<string> { "./build.sh", target.Name, "--skip" };
        if (hasProfile) arguments.AddRange(["--profile", $"<< parameters.{ProfileParameter} >>"]);
        arguments.AddRange(settings.Arguments);
        var run = new Dictionary<string, object?> { ["name"] = target.Name, ["command"] = string.Join(' ', arguments) };
        // The build prints a heartbeat every minute while a tool is silent; this bounds a build that hangs altogether.
        if (target.MaxDuration is { } maximum)
            run["no_output_timeout"] = $"{Math.Ceiling(maximum.TotalMinutes):0}m";
        steps.Add(Step("run", run));

        foreach (var cache in pipeline.Caches)
            steps.Add(Step("save_cache", new Dictionary<string, object?> { ["key"] = cache.Key, ["paths"] = cache.Paths.Cast<object>().ToList() }));
        if (target.Produces.Length > 0)
            steps.Add(Step("persist_to_workspace", new Dictionary<string, object?> { ["root"] = ".", ["paths"] = target.Produces.Cast<object>().ToList() }));
        foreach (var artifact in pipeline.Artifacts.Concat(settings.Artifacts))
        {
            if (artifact.Contains("{profile}", StringComparison.Ordinal) && !hasProfile) continue;
            var path = artifact.Replace("{profile}", $"<< parameters.{ProfileParameter} >>", StringComparison.Ordinal);
            steps.Add(Step("store_artifacts", new Dictionary<string, object?> { ["path"] = path }));
        }

        var definition = new Dictionary<string, object?>
        {
            ["description"] = target.Description ?? target.Name,
            ["docker"] = new List<object> { new Dictionary<string, object?> { ["image"] = settings.Image ?? pipeline.Image } },
            ["resource_class"] = settings.ResourceClass ?? pipeline.ResourceClass,
            ["parameters"] = parameters,
        };
        var environment = pipeline.Environment.Concat(settings.Environment).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        if (environment.Count > 0)
            definition["environment"] = environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => (object?)e.Value);
        definition["steps"] = steps;
        return new CircleCiJob(target.Name, definition);
    }

    private static Dictionary<string, object?> Step(string name, Dictionary<string, object?> body) => new() { [name] = body };

    private static string FirstLine(string command) => command.Split('\n')[0].Trim();
}
