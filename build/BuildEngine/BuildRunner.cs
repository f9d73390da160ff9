using System.Diagnostics;
using BuildEngine.Definition;
using BuildEngine.Execution;
using BuildEngine.Generation;
using BuildEngine.Output;
using BuildEngine.Parameters;
using BuildEngine.Planning;

namespace BuildEngine;

/// <summary>Exit codes of a run.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int TargetFailed = 1;
    public const int UsageError = 2;
    public const int Cancelled = 130;
}

/// <summary>One run: read the command line, build the graph, resolve parameters, plan, execute, summarize.</summary>
public static class BuildRunner
{
    public static async Task<int> RunAsync<TBuild>(
        IReadOnlyList<string> args, BuildHost host, Func<TBuild, Target> defaultTarget, CancellationToken cancellationToken)
        where TBuild : BuildBase, new()
    {
        var stopwatch = Stopwatch.StartNew();
        using var output = new BuildOutput(host.Console, host.UseColours, new SecretMasker());
        var build = new TBuild();
        var context = new BuildContext(host, output);
        build.Attach(context);
        try
        {
            var graph = GraphBuilder.Build(build, defaultTarget(build));
            context.Graph = graph;
            var commandLine = CommandLine.Parse(args, graph.Parameters, output.Masker.Register);
            if (commandLine.ShowHelp)
            {
                HelpWriter.WriteHelp(output, graph);
                return ExitCodes.Success;
            }

            context.ParameterSources = new ParameterResolver(graph, host.Environment, host.RootDirectory, host.CurrentDirectory).Apply(build, commandLine);
            RegisterSecrets(build, graph, output.Masker);
            UpdateGeneratedFiles(build, graph, host, output);

            var plan = Planner.Plan(graph, commandLine.Targets, commandLine.Skip, commandLine.SkippedTargets);
            context.Plan = plan;
            if (commandLine.ShowPlan)
            {
                HelpWriter.WritePlan(output, plan);
                return ExitCodes.Success;
            }

            output.OpenLog(build.TemporaryDirectory / "build.log");
            output.LogOnly($"./build.sh {string.Join(' ', args)}");
            CheckRequirements(build, graph, plan);

            var executor = new Executor(output, [.. build.GetObservers()], context.Summaries, host.RootDirectory, graph, Heartbeat.IntervalFrom(host.Environment));
            var result = await executor.RunAsync(plan, cancellationToken);
            SummaryTable.Write(output, result, stopwatch.Elapsed);
            if (result.Targets.Any(t => t.Status == TargetStatus.Aborted) || cancellationToken.IsCancellationRequested)
                return ExitCodes.Cancelled;
            return result.Succeeded ? ExitCodes.Success : ExitCodes.TargetFailed;
        }
        catch (Exception e) when (e is ParameterException or PlanningException or DefinitionException or RequirementException)
        {
            output.Error(e.Message);
            return ExitCodes.UsageError;
        }
    }

    private static void RegisterSecrets(BuildBase build, BuildGraph graph, SecretMasker masker)
    {
        foreach (var parameter in graph.Parameters.Where(p => p.IsSecret))
        {
            foreach (var value in ParameterReader.Strings(ParameterReader.GetValue(build, parameter.Member)))
                masker.Register(value);
        }
    }

    private static void UpdateGeneratedFiles(BuildBase build, BuildGraph graph, BuildHost host, BuildOutput output)
    {
        // On CI generated files are checked, never rewritten: a stale committed file must fail, not heal itself.
        if (host.IsCi) return;
        // Generated files come from the compiled build and from the parameter files (a profile's RequireApproval).
        var identity = $"{Hex(build.GetType().Assembly.ManifestModule.ModuleVersionId)}/{Hex(typeof(BuildRunner).Assembly.ManifestModule.ModuleVersionId)}/{GeneratedFiles.ParameterFilesFingerprint(host.RootDirectory)}";
        foreach (var written in new GeneratedFiles(host.RootDirectory, build.GetGeneratedFiles()).UpdateIfBuildChanged(graph, identity))
            output.Detail($"Regenerated {written}");
    }

    /// <summary>By hand: the runtime's Guid formatting has no precompiled code on this path and costs every start its compile.</summary>
    private static string Hex(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        var text = new char[32];
        for (var i = 0; i < bytes.Length; i++)
        {
            text[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            text[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xf];
        }
        return new string(text);
    }

    /// <summary>Requirements of every target that will run are checked before any runs: nothing half-done.</summary>
    private static void CheckRequirements(BuildBase build, BuildGraph graph, ExecutionPlan plan)
    {
        var unmet = new List<string>();
        foreach (var planned in plan.Targets.Where(t => !t.IsSkipped))
        {
            foreach (var requirement in planned.Target.Requirements)
            {
                var value = requirement.Evaluate();
                var met = value switch
                {
                    null => false,
                    bool flag => flag,
                    string text => !string.IsNullOrWhiteSpace(text),
                    Array array => array.Length > 0,
                    _ => true,
                };
                if (!met)
                    unmet.Add($"{planned.Target.Name} requires {Describe(graph, requirement.Text)}");
            }
        }
        foreach (var parameter in graph.Parameters.Where(p => p.IsRequired))
        {
            var value = ParameterReader.GetValue(build, parameter.Member);
            if (value is null || (value is string text && string.IsNullOrWhiteSpace(text)))
                unmet.Add($"parameter {parameter.Name} is required (set {parameter.Option} or {parameter.EnvironmentVariable})");
        }
        if (unmet.Count > 0)
            throw new RequirementException("Nothing was run: " + string.Join("; ", unmet) + ".");
    }

    /// <summary>A requirement such as <c>Key ?? KeyFile</c> is described as its parameters, one or the other.</summary>
    private static string Describe(BuildGraph graph, string requirement)
    {
        var names = requirement.Split("??", StringSplitOptions.TrimEntries)
            .Select(n => System.Text.RegularExpressions.Regex.Replace(n, @"^\([^)]*\)\s*", ""));
        var parameters = names.Select(n => graph.Parameters.FirstOrDefault(p => p.Name == n)).ToList();
        if (parameters.Any(p => p is null))
            return $"'{requirement}'";
        return string.Join(" or ", parameters.Select(p => $"parameter {p!.Name} (set {p.Option} or {p.EnvironmentVariable})"));
    }
}

/// <summary>A target's requirement is not met.</summary>
public sealed class RequirementException(string message) : Exception(message);
