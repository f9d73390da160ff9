using System.Text.Json.Nodes;
using BuildEngine;
using BuildEngine.CircleCi;
using BuildEngine.Parameters;
using Pipeline.CircleCi;
using YamlDotNet.RepresentationModel;

namespace Pipeline;

/// <summary>
/// Dynamic configuration, as an option: the committed .circleci/config.yml is a setup config, and CircleCiContinue
/// generates the pipeline from the targets when it runs and continues it through CircleCI's API.
/// </summary>
partial class Build
{
    [Parameter("The CircleCI config that is committed: static (the whole pipeline in .circleci/config.yml) or dynamic (a setup config; CircleCiContinue generates the rest when the pipeline runs); read from .nuke/parameters.json"),
     Pattern("^(static|dynamic)$", "static or dynamic")]
    readonly string CircleCiConfiguration = "static";

    [Parameter("CircleCI's address, for the continuation API (CircleCI server: https://<host>)"), Url] readonly string CircleCiUrl = "https://circleci.com";

    [Parameter("The continuation key of the setup workflow (CircleCI sets it in the setup job)", EnvironmentVariable = "CIRCLE_CONTINUATION_KEY"), Secret]
    readonly string? CircleContinuationKey;

    /// <summary>Read from the file, not the run's value: the committed config must not change with a command line.</summary>
    bool UsesDynamicCircleCiConfig =>
        ParametersFileSetting("parameters.json", nameof(CircleCiConfiguration)) is { ValueKind: System.Text.Json.JsonValueKind.String } setting && setting.GetString() == "dynamic";

    AbsolutePath ContinuedConfigFile => TemporaryDirectory / "circleci" / "config.yml";

    async Task ContinueCircleCiPipelineAsync(CancellationToken cancellationToken)
    {
        var setupParameters = CommittedSetupParameters();
        var config = CircleCiGenerator.Generate(Graph, CircleCi with { Dynamic = true });
        var configuration = CircleCiWriter.Write(config);
        AtomicFile.WriteAllText(ContinuedConfigFile, configuration);
        // The trigger's parameters carry over by themselves; nothing is computed here that workflows would need.
        var parameters = new ContinuationParameters(new Dictionary<string, JsonNode?>(), config.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal), setupParameters);
        if (CircleCiContinuation.Check(configuration, parameters) is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join(" ", problems) + " Nothing was sent.");
        if (CircleContinuationKey is not { Length: > 0 } key)
            throw new InvalidOperationException($"CIRCLE_CONTINUATION_KEY is not set: CircleCiContinue runs in the setup workflow of a CircleCI pipeline, where CircleCI sets it. The generated config is in {ContinuedConfigFile.GetRelativePathFrom(RootDirectory)}; nothing was sent.");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        await new CircleCiContinuation(http, CircleCiUrl).ContinueAsync(key, configuration, parameters, cancellationToken);
        var jobs = config.Workflows.Sum(w => w.Jobs.Count);
        Output.Success($"Continued the pipeline with the generated config: {config.Workflows.Count} workflows, {jobs} workflow jobs, {System.Text.Encoding.UTF8.GetByteCount(configuration):N0} bytes.");
        Summaries.Set(nameof(CircleCiContinue), $"continued: {config.Workflows.Count} workflows");
    }

    /// <summary>The pipeline parameters of the committed setup config: the ones a trigger may set.</summary>
    HashSet<string> CommittedSetupParameters()
    {
        var file = RootDirectory / ".circleci" / "config.yml";
        const string fix = "set \"CircleCiConfiguration\": \"dynamic\" in .nuke/parameters.json, run ./build.sh and commit .circleci/config.yml";
        if (!file.FileExists())
            throw new InvalidOperationException($"CircleCiContinue continues a setup workflow, but .circleci/config.yml does not exist; {fix}.");
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(file)));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidOperationException($".circleci/config.yml is not YAML (line {e.Start.Line}): {e.Message.Split('\n')[0]}; run ./build.sh to regenerate it.");
        }
        var root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
        if (root?.Children.TryGetValue(new YamlScalarNode("setup"), out var setup) != true || (setup as YamlScalarNode)?.Value != "true")
            throw new InvalidOperationException($"CircleCiContinue continues a setup workflow, but the committed .circleci/config.yml is not a setup config (no setup: true); {fix}.");
        return root.Children.TryGetValue(new YamlScalarNode("parameters"), out var declared) && declared is YamlMappingNode map
            ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal)
            : [];
    }
}
