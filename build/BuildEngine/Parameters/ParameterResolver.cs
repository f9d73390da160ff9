using BuildEngine.Definition;

namespace BuildEngine.Parameters;

/// <summary>Where a parameter's value came from.</summary>
public enum ParameterSource { Default, ParametersFile, Environment, CommandLine }

/// <summary>
/// The source of each parameter, in the graph's order. An array rather than a dictionary keyed by name: a generic
/// collection of this enum has no precompiled code and would be compiled at every start.
/// </summary>
public sealed class ParameterSources(IReadOnlyList<ParameterNode> parameters, ParameterSource[] sources)
{
    public ParameterSource Of(string parameter)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            if (parameters[i].Name == parameter) return sources[i];
        }
        return ParameterSource.Default;
    }
}

/// <summary>
/// Sets every parameter from the highest source that has it: the command line, environment variables,
/// the chosen profiles (later wins), .nuke/parameters.json, the initializer.
/// </summary>
internal sealed class ParameterResolver(
    BuildGraph graph,
    IReadOnlyDictionary<string, string> environment,
    AbsolutePath rootDirectory,
    string currentDirectory)
{
    private AbsolutePath ParametersDirectory => rootDirectory / ".nuke";

    /// <summary>Sets the parameters and says where each value came from (parameter name to source).</summary>
    public ParameterSources Apply(object build, CommandLine commandLine)
    {
        var fromCommandLine = ReadCommandLine(commandLine);
        var fromFiles = ReadParameterFiles(commandLine.Profiles);
        var sources = new ParameterSource[graph.Parameters.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            var parameter = graph.Parameters[i];
            var key = ParameterNames.Normalize(parameter.Name);
            var (raw, source) = fromCommandLine.GetValueOrDefault(key) is { } option ? (option, ParameterSource.CommandLine)
                : ReadEnvironment(parameter) is { } variable ? (variable, ParameterSource.Environment)
                : fromFiles.GetValueOrDefault(key) is { } setting ? (setting, ParameterSource.ParametersFile)
                : ((RawValue?)null, ParameterSource.Default);
            sources[i] = source;
            if (raw is not null)
                ParameterReader.SetValue(build, parameter.Member, ValueConverter.Convert(parameter, raw));
        }
        return new ParameterSources(graph.Parameters, sources);
    }

    /// <summary>The command line's options; <see cref="CommandLine.Parse"/> already refused unknown ones.</summary>
    private Dictionary<string, RawValue> ReadCommandLine(CommandLine commandLine)
    {
        var values = new Dictionary<string, RawValue>();
        foreach (var (name, optionValues) in commandLine.Options)
            values[ParameterNames.Normalize(name)] = new RawValue(optionValues, $"the command line (--{name})", currentDirectory);
        return values;
    }

    private RawValue? ReadEnvironment(ParameterNode parameter)
    {
        // The exact member name wins, then the canonical UPPER_SNAKE name, then any spelling that normalizes alike.
        string[] preferred = [parameter.Name, parameter.EnvironmentVariable, ParameterNames.ToUpperSnakeCase(parameter.Name)];
        foreach (var name in preferred)
        {
            if (environment.TryGetValue(name, out var value))
                return FromEnvironment(name, value);
        }
        return ByNormalizedName.TryGetValue(ParameterNames.Normalize(parameter.Name), out var other) ? FromEnvironment(other.Name, other.Value) : null;
    }

    private Dictionary<string, (string Name, string Value)>? _byNormalizedName;

    /// <summary>Every variable under its normalized name, once per run; of two spellings the first in ordinal order wins.</summary>
    private Dictionary<string, (string Name, string Value)> ByNormalizedName
    {
        get
        {
            if (_byNormalizedName is not null) return _byNormalizedName;
            _byNormalizedName = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            foreach (var (name, value) in environment)
            {
                var key = ParameterNames.Normalize(name);
                if (!_byNormalizedName.TryGetValue(key, out var known) || string.CompareOrdinal(name, known.Name) < 0)
                    _byNormalizedName[key] = (name, value);
            }
            return _byNormalizedName;
        }
    }

    private RawValue FromEnvironment(string name, string value) =>
        new([value], $"environment variable {name}", rootDirectory);

    private Dictionary<string, RawValue> ReadParameterFiles(IReadOnlyList<string> profiles)
    {
        var values = new Dictionary<string, RawValue>();
        var defaults = ParametersDirectory / "parameters.json";
        if (defaults.FileExists())
            ReadFile(defaults, values, profile: null);
        foreach (var profile in profiles)
        {
            var file = ParametersDirectory / $"parameters.{profile}.json";
            if (!file.FileExists())
                throw new ParameterException($"Profile '{profile}' given with --profile: file {file.GetRelativePathFrom(rootDirectory)} does not exist; expected .nuke/parameters.<profile>.json.");
            ReadFile(file, values, profile);
        }
        return values;
    }

    private void ReadFile(AbsolutePath file, Dictionary<string, RawValue> values, string? profile)
    {
        var known = graph.Parameters.Select(p => ParameterNames.Normalize(p.Name)).ToHashSet();
        var relative = file.GetRelativePathFrom(rootDirectory);
        var entries = ParameterFileJson.Read(File.ReadAllBytes(file), relative, name =>
        {
            if (!known.Contains(ParameterNames.Normalize(name)))
                throw new ParameterException($"Unknown parameter {ArgumentText.Show(name)} in {relative}; {NameSuggester.SuggestOption(name, graph.Parameters)}");
        });
        foreach (var entry in entries)
            values[ParameterNames.Normalize(entry.Name)] = new RawValue(entry.Values, profile is null ? $"{relative} ({entry.Name})" : $"{relative} ({entry.Name}; --profile {profile})", rootDirectory);
    }
}
