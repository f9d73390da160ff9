namespace BuildEngine.CircleCi;

/// <summary>
/// The executor and the reusable commands every job shares: <c>prepare</c> (checkout, workspace, caches),
/// <c>finish</c> (caches saved, reports stored) and one command per set-up step.
/// </summary>
internal static class CircleCiCommands
{
    public const string Executor = "default";
    public const string Prepare = "prepare";
    public const string Finish = "finish";
    public const string ProfileParameter = "profile";
    public const string AttachParameter = "attach-workspace";
    private const string ProfilePlaceholder = "{profile}";

    public static CircleCiExecutor DefaultExecutor(CircleCiPipeline pipeline) =>
        new(Executor, pipeline.Image, pipeline.ResourceClass, pipeline.Environment);

    /// <summary>Whether <c>finish</c> takes the job's profile: some pipeline artifact is a per-profile report.</summary>
    public static bool FinishTakesProfile(CircleCiPipeline pipeline) => pipeline.Artifacts.Any(IsPerProfile);

    public static IReadOnlyList<CircleCiCommand> Define(CircleCiPipeline pipeline, IEnumerable<CircleCiSetup> setups)
    {
        var commands = new List<CircleCiCommand> { DefinePrepare(pipeline), DefineFinish(pipeline) };
        foreach (var group in setups.GroupBy(s => s.Name, StringComparer.Ordinal))
        {
            if (group.Select(s => s.Command).Distinct(StringComparer.Ordinal).Count() > 1)
                throw new CircleCiConfigException($"Set-up command '{group.Key}' is declared twice with different commands.");
            if (commands.Any(c => c.Name == group.Key))
                throw new CircleCiConfigException($"Set-up command '{group.Key}' has the name of a command the generator writes; choose another name.");
            var setup = group.First();
            commands.Add(new CircleCiCommand(setup.Name, setup.Description, [],
                [Step("run", new() { ["name"] = $"Set up: {FirstLine(setup.Command)}", ["command"] = setup.Command })]));
        }
        return commands;
    }

    private static CircleCiCommand DefinePrepare(CircleCiPipeline pipeline)
    {
        var steps = new List<object>
        {
            "checkout",
            Step("when", new()
            {
                ["condition"] = $"<< parameters.{AttachParameter} >>",
                ["steps"] = new List<object> { Step("attach_workspace", new FlowMapping { ["at"] = "." }) },
            }),
        };
        foreach (var command in pipeline.CacheKeyCommands)
            steps.Add(Step("run", new() { ["name"] = $"Cache key: {FirstLine(command)}", ["command"] = command }));
        foreach (var cache in pipeline.Caches)
            steps.Add(Step("restore_cache", new() { ["key"] = cache.Key }));
        if (pipeline.Caches.Where(c => c.CreateFolders).SelectMany(c => c.Paths).ToList() is { Count: > 0 } folders)
            steps.Add(Step("run", new() { ["name"] = "Create cache folders", ["command"] = "mkdir -p " + string.Join(' ', folders.Select(Processes.ShellWords.Quote)) }));
        return new CircleCiCommand(Prepare, "Check out the commit, attach the workspace when asked, restore the compiled build and the caches",
            [new(AttachParameter, "boolean", false, "Attach the workspace that earlier jobs persisted")], steps);
    }

    private static CircleCiCommand DefineFinish(CircleCiPipeline pipeline)
    {
        var steps = new List<object>();
        foreach (var cache in pipeline.Caches)
            steps.Add(Step("save_cache", new() { ["key"] = cache.Key, ["paths"] = cache.Paths.Cast<object>().ToList() }));
        foreach (var artifact in pipeline.Artifacts.Where(a => !IsPerProfile(a)))
            steps.Add(Step("store_artifacts", new FlowMapping { ["path"] = artifact }));
        if (!FinishTakesProfile(pipeline))
            return new CircleCiCommand(Finish, "Save the caches and store the build's reports", [], steps);

        var reports = pipeline.Artifacts.Where(IsPerProfile)
            .Select(a => (object)Step("store_artifacts", new FlowMapping { ["path"] = a.Replace(ProfilePlaceholder, $"<< parameters.{ProfileParameter} >>", StringComparison.Ordinal) }))
            .ToList();
        steps.Add(Step("when", new() { ["condition"] = $"<< parameters.{ProfileParameter} >>", ["steps"] = reports }));
        return new CircleCiCommand(Finish, "Save the caches and store the build's reports, an environment's too when a profile is given",
            [new(ProfileParameter, "string", "", "The job's parameter profile; empty for a job that runs for no environment")], steps);
    }

    public static bool IsPerProfile(string artifact) => artifact.Contains(ProfilePlaceholder, StringComparison.Ordinal);

    public static Dictionary<string, object?> Step(string name, Dictionary<string, object?> body) => new() { [name] = body };

    public static string FirstLine(string command) => command.Split('\n')[0].Trim();
}
