using BuildEngine.Definition;
using BuildEngine.Planning;

namespace BuildEngine.CircleCi;

/// <summary>
/// Turns the target graph and a <see cref="CircleCiPipeline"/> declaration into a CircleCI configuration: each
/// target a job running alone, <c>requires</c> mirroring the dependencies (transitively reduced), produced files
/// through the workspace, approvals inline before the targets that wait for them.
/// </summary>
public static class CircleCiGenerator
{
    public static CircleCiConfig Generate(BuildGraph graph, CircleCiPipeline pipeline)
    {
        var workflows = pipeline.Workflows.Select(w => GenerateWorkflow(graph, pipeline, w)).ToList();
        var usedTargets = workflows.SelectMany(w => w.Jobs).Where(j => !j.IsApproval).Select(j => j.Job).ToHashSet(StringComparer.Ordinal);
        var jobs = graph.Targets.Where(t => usedTargets.Contains(t.Name))
            .Select(t => CircleCiJobs.Define(t, pipeline, workflows))
            .ToList();
        var setups = graph.Targets.Where(t => usedTargets.Contains(t.Name)).SelectMany(t => pipeline.Jobs.GetValueOrDefault(t.Name)?.Setup ?? []);
        var config = new CircleCiConfig(jobs, workflows, Header(graph, pipeline))
        {
            Parameters = pipeline.Parameters,
            Executors = [CircleCiCommands.DefaultExecutor(pipeline)],
            Commands = CircleCiCommands.Define(pipeline, setups),
            ScheduleTriggers = pipeline.Dynamic,
        };
        CircleCiValidator.Validate(config);
        return config;
    }

    /// <summary>
    /// The setup configuration of dynamic configuration: one workflow, one job that runs the continue target, the
    /// pipeline parameters declared as in the full config (a trigger's parameters must be declared in both).
    /// </summary>
    public static CircleCiConfig GenerateSetup(BuildGraph graph, CircleCiPipeline pipeline)
    {
        if (!graph.TryGetTarget(pipeline.ContinueTarget, out var target))
            throw new CircleCiConfigException($"Dynamic configuration runs target '{pipeline.ContinueTarget}', which the build does not define.");
        var workflow = new WorkflowModel("setup", new CircleCiWorkflow("setup") { Targets = [target.Name] }, [new WorkflowJob(target.Name, target.Name, [])]);
        var header = Header(graph, pipeline, setup: true);
        header.Insert(1, $"Dynamic configuration: this setup workflow runs ./build.sh {target.Name}, which generates the pipeline's jobs from the targets of the commit and continues the pipeline with them.");
        // The setup job runs no tool: it restores and saves only the caches marked for it, and stores no environment's reports.
        var setup = pipeline with
        {
            Caches = [.. pipeline.Caches.Where(c => c.InSetup)],
            Artifacts = [.. pipeline.Artifacts.Where(a => !CircleCiCommands.IsPerProfile(a))],
        };
        var config = new CircleCiConfig([CircleCiJobs.Define(target, setup, [workflow])], [workflow], header)
        {
            Setup = true,
            Parameters = pipeline.Parameters,
            Executors = [CircleCiCommands.DefaultExecutor(setup)],
            Commands = CircleCiCommands.Define(setup, setup.Jobs.GetValueOrDefault(target.Name)?.Setup ?? []),
        };
        CircleCiValidator.Validate(config);
        return config;
    }

    private static WorkflowModel GenerateWorkflow(BuildGraph graph, CircleCiPipeline pipeline, CircleCiWorkflow workflow)
    {
        var excluded = workflow.Exclude.ToHashSet(StringComparer.Ordinal);
        var ordered = Planner.Order(graph, workflow.Targets).Where(t => !excluded.Contains(t)).ToList();
        var included = ordered.ToHashSet(StringComparer.Ordinal);
        var predecessors = ordered.ToDictionary(t => t, t => Reduce(graph, t, Predecessors(graph, t, included, excluded)));
        var producers = ordered.Where(t => graph[t].Produces.Length > 0).ToHashSet(StringComparer.Ordinal);

        bool IsScoped(string target) => pipeline.ProfileScoped.Contains(target) && workflow.Profiles.Count > 0;
        // A profile's last jobs: scoped targets no other scoped target of the workflow waits for.
        var scopedSinks = ordered.Where(t => IsScoped(t) && !ordered.Any(o => IsScoped(o) && predecessors[o].Contains(t))).ToList();

        var jobs = new List<WorkflowJob>();
        foreach (var target in ordered)
        {
            var scoped = IsScoped(target);
            foreach (var profile in scoped ? workflow.Profiles.Cast<string?>() : [null])
            {
                var name = profile is null ? target : $"{target}-{profile}";
                var requires = predecessors[target].SelectMany(p => InstanceNames(pipeline, workflow, p, profile)).ToList();
                var position = profile is null ? -1 : workflow.Profiles.ToList().IndexOf(profile);
                if (workflow.Promote && position > 0 && !predecessors[target].Any(IsScoped))
                    requires.AddRange(scopedSinks.Select(sink => $"{sink}-{workflow.Profiles[position - 1]}"));
                var approved = workflow.ApprovalProfiles is null || profile is null || workflow.ApprovalProfiles.Contains(profile);
                if (workflow.ApprovalBefore.Contains(target) && approved)
                {
                    var approval = $"approve-{name}";
                    jobs.Add(new WorkflowJob(approval, approval, requires) { IsApproval = true });
                    requires = [approval];
                }
                var settings = pipeline.Jobs.GetValueOrDefault(target);
                jobs.Add(new WorkflowJob(target, name, requires)
                {
                    Profile = scoped ? profile : null,
                    AttachWorkspace = Ancestors(predecessors, target).Any(producers.Contains),
                    Contexts = [.. workflow.Contexts, .. profile is null
                        ? workflow.SharedContexts
                        : workflow.ProfileContexts.Select(c => c.Replace("{profile}", profile, StringComparison.Ordinal))],
                    SerialGroup = settings?.SerialGroup?.Replace("{profile}", profile ?? "default", StringComparison.Ordinal),
                });
            }
        }
        foreach (var (after, notice) in workflow.OnFailure)
        {
            foreach (var watched in jobs.Where(j => j.Job == after && !j.IsApproval).ToList())
                jobs.Add(new WorkflowJob(notice, $"{notice}-after-{watched.Name}", [watched.Name])
                {
                    Profile = watched.Profile,
                    Contexts = watched.Contexts,
                    RequiredStatuses = ["failed", "canceled"],
                });
        }
        return new WorkflowModel(workflow.Name, workflow, jobs);
    }

    private static IEnumerable<string> InstanceNames(CircleCiPipeline pipeline, CircleCiWorkflow workflow, string target, string? profile)
    {
        if (!pipeline.ProfileScoped.Contains(target) || workflow.Profiles.Count == 0)
            return [target];
        return profile is null ? workflow.Profiles.Select(p => $"{target}-{p}") : [$"{target}-{profile}"];
    }

    /// <summary>What must finish before a target, looking through excluded targets to what they required.</summary>
    private static HashSet<string> Predecessors(BuildGraph graph, string target, HashSet<string> included, HashSet<string> excluded)
    {
        var node = graph[target];
        var direct = node.DependsOn.Concat(node.RunsAfter).Concat(graph.Targets.Where(t => t.Triggers.Contains(target)).Select(t => t.Name));
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var predecessor in direct)
        {
            if (included.Contains(predecessor))
                result.Add(predecessor);
            else if (excluded.Contains(predecessor))
                result.UnionWith(Predecessors(graph, predecessor, included, excluded));
        }
        return result;
    }

    /// <summary>Transitive reduction: drop a requirement already implied by another one.</summary>
    private static IReadOnlyList<string> Reduce(BuildGraph graph, string target, HashSet<string> direct)
    {
        bool Reaches(string from, string to, HashSet<string> seen)
        {
            var node = graph[from];
            foreach (var next in node.DependsOn.Concat(node.RunsAfter))
            {
                if (next == to) return true;
                if (seen.Add(next) && Reaches(next, to, seen)) return true;
            }
            return false;
        }
        return [.. direct.Where(p => !direct.Any(q => q != p && Reaches(q, p, []))).OrderBy(p => graph[p].DeclarationIndex)];
    }

    private static IEnumerable<string> Ancestors(Dictionary<string, IReadOnlyList<string>> predecessors, string target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(predecessors[target]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            yield return next;
            foreach (var more in predecessors[next]) pending.Push(more);
        }
    }

    /// <summary>A context's name, or a phrase of its own ("set by CircleCI …") for a value no one stores.</summary>
    private static string Where(string context) => context.StartsWith("set by ", StringComparison.Ordinal) ? context : $"set in context {context}";

    private static List<string> Header(BuildGraph graph, CircleCiPipeline pipeline, bool setup = false)
    {
        var header = new List<string>
        {
            pipeline.Dynamic && !setup
                ? $"Generated by {pipeline.RegenerateCommand} {pipeline.ContinueTarget} when the pipeline ran, from the targets of its commit, and continued through CircleCI's API; never committed."
                : $"Generated by {pipeline.RegenerateCommand} from the targets in build/; do not edit: run it (any target) and commit the result. CI fails when this file is stale.",
            "Each job runs one target alone: ./build.sh <Target> --skip.",
        };
        var contexts = pipeline.Workflows.SelectMany(w => w.Contexts.Concat(w.SharedContexts)
            .Concat(w.ProfileContexts.SelectMany(c => w.Profiles.Select(p => c.Replace("{profile}", p, StringComparison.Ordinal))))).Distinct().ToList();
        if (contexts.Count > 0)
            header.Add("Contexts to create in CircleCI: " + string.Join(", ", contexts) + ".");
        foreach (var scheduled in pipeline.Dynamic ? pipeline.Workflows.Where(w => w.Schedule is not null) : [])
            header.Add($"Schedule trigger to create in CircleCI (Project Settings > Triggers): name {scheduled.Name}, branch {string.Join(", ", scheduled.BranchesOnly.DefaultIfEmpty("(any)"))}, cron {scheduled.Schedule} (UTC), no parameters.");
        foreach (var (variable, where) in pipeline.ContextVariables)
            header.Add($"  {variable}: plain variable, {where}");
        foreach (var secret in graph.Parameters.Where(p => p.IsSecret && !pipeline.UnstoredSecrets.Contains(p.Name)))
            header.Add($"  {secret.EnvironmentVariable}: secret for {secret.Option}, {Where(pipeline.SecretContexts.GetValueOrDefault(secret.Name, "(any)"))}");
        return header;
    }
}
