using System.Runtime.InteropServices;
using BuildEngine.Ci;
using BuildEngine.CircleCi;
using BuildEngine.Definition;
using BuildEngine.Execution;
using BuildEngine.Generation;
using BuildEngine.Output;
using BuildEngine.Processes;

namespace BuildEngine;

/// <summary>
/// The base of a build class, NUKE-style: <c>class Build : BuildBase { public static Task&lt;int&gt; Main() =>
/// Execute&lt;Build&gt;(x => x.Validate); }</c>. Everything here belongs to one run; nothing is static or shared.
/// </summary>
public abstract class BuildBase
{
    private BuildContext? _context;

    private BuildContext Context => _context ?? throw new InvalidOperationException("The build is not running yet; use this from a target, not a field initializer.");

    internal void Attach(BuildContext context) => _context = context;

    public AbsolutePath RootDirectory => Context.Host.RootDirectory;

    /// <summary><c>.nuke/temp</c>: where targets put the files they hand to later targets.</summary>
    public AbsolutePath TemporaryDirectory => RootDirectory / ".nuke" / "temp";

    public bool IsCi => Context.Host.IsCi;

    /// <summary>Branch, commit, pull request and links of this run (CircleCI's variables, or the local checkout).</summary>
    public CiEnvironment Ci => Context.Ci;

    public IReadOnlyDictionary<string, string> EnvironmentVariables => Context.Host.Environment;

    public BuildOutput Output => Context.Output;

    /// <summary>The one masking point: register secrets found at run time (a sensitive output, a key).</summary>
    public SecretMasker Secrets => Context.Output.Masker;

    public TargetSummaries Summaries => Context.Summaries;

    public ToolRunner Tools => Context.Tools;

    public BuildGraph Graph => Context.Graph ?? throw new InvalidOperationException("The graph is not built yet.");

    /// <summary>Where a parameter's value came from: the command line, the environment, a parameters file, or its default.</summary>
    public Parameters.ParameterSource SourceOf(string parameter) => Context.ParameterSources?.Of(parameter) ?? Parameters.ParameterSource.Default;

    /// <summary>The targets this run executes, in order (skipped ones left out); known once the run is planned.</summary>
    public IReadOnlyList<string> ScheduledTargets =>
        Context.Plan?.Targets.Where(t => !t.IsSkipped).Select(t => t.Target.Name).ToList() ?? throw new InvalidOperationException("The run is not planned yet.");

    /// <summary>The CircleCI pipeline generated from this build's targets into .circleci/config.yml, if any.</summary>
    protected virtual CircleCiPipeline? CircleCi => null;

    /// <summary>Files generated from the build's definition and checked for freshness; extend to add more.</summary>
    protected virtual IEnumerable<GeneratedFile> GeneratedFileSet
    {
        get
        {
            yield return GeneratedFiles.Schema;
            yield return GeneratedFiles.LaunchSettings;
            if (CircleCi is { } pipeline)
                yield return new GeneratedFile(".circleci/config.yml", graph => CircleCiWriter.Write(pipeline.Dynamic
                    ? CircleCiGenerator.GenerateSetup(graph, pipeline)
                    : CircleCiGenerator.Generate(graph, pipeline)));
        }
    }

    internal IEnumerable<GeneratedFile> GetGeneratedFiles() => GeneratedFileSet;

    /// <summary>Observers notified around every target (feedback to GitHub, Slack); created after parameters are set.</summary>
    protected virtual IEnumerable<ITargetObserver> CreateObservers() => [];

    internal IEnumerable<ITargetObserver> GetObservers() => CreateObservers();

    /// <summary>Fails when a generated file is missing or out of date (the check behind Validate).</summary>
    protected void CheckGeneratedFilesAreCurrent()
    {
        var stale = new GeneratedFiles(RootDirectory, GeneratedFileSet).FindStale(Graph);
        if (stale.Count > 0)
            throw new InvalidOperationException($"Generated files are out of date: {string.Join(", ", stale)}; run ./build.sh locally (it regenerates them) and commit the result.");
        Output.Info($"Generated files are current: {string.Join(", ", GeneratedFileSet.Select(f => f.RelativePath))}.");
    }

    /// <summary>
    /// A check whose tool is missing: on CI a failure; locally the target is reported Skipped with the reason (not
    /// Succeeded: nothing was checked).
    /// </summary>
    protected void RequireTool(string executable, string purpose)
    {
        if (ToolRunner.IsInstalled(executable, EnvironmentVariables))
            return;
        if (IsCi)
            throw new InvalidOperationException($"'{executable}' is not installed, so {purpose} cannot run; CI must install it.");
        Output.Warning($"!!! '{executable}' is not installed: {purpose} SKIPPED. Install it to run this check; CI fails without it. !!!");
        throw new TargetSkippedException($"'{executable}' is not installed (CI fails here)");
    }

    protected static async Task<int> Execute<TBuild>(Func<TBuild, Target> defaultTarget)
        where TBuild : BuildBase, new()
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl+C asks targets to stop gracefully; a second one ends the process.
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
            return await BuildRunner.RunAsync(args, BuildHost.FromProcess(), defaultTarget, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}

/// <summary>Everything one run shares between the runner and the build object.</summary>
internal sealed class BuildContext(BuildHost host, BuildOutput output)
{
    public BuildHost Host { get; } = host;
    public BuildOutput Output { get; } = output;
    public TargetSummaries Summaries { get; } = new();
    public ToolRunner Tools { get; } = new(output, host.Environment);
    public BuildGraph? Graph { get; set; }
    public Planning.ExecutionPlan? Plan { get; set; }
    public Parameters.ParameterSources? ParameterSources { get; set; }
    private CiEnvironment? _ci;
    public CiEnvironment Ci => _ci ??= CiEnvironment.Detect(Host.Environment, Host.RootDirectory, Host.IsCi);
}
