using System.Text.Json;
using BuildEngine.Definition;

namespace BuildEngine.Parameters;

/// <summary>Where a parameter's value came from.</summary>
public enum ParameterSource { Default, ParametersFile, Environment, CommandLine }

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
    public IReadOnlyDictionary<string, ParameterSource> Apply(object build, CommandLine commandLine)
    {
        var fromCommandLine = ReadCommandLine(commandLine);
        var fromFiles = ReadParameterFiles(commandLine.Profiles);
        var sources = new Dictionary<string, ParameterSource>(StringComparer.Ordinal);
        foreach (var parameter in graph.Parameters)
        {
            var key = ParameterNames.Normalize(parameter.Name);
            var (raw, source) = fromCommandLine.GetValueOrDefault(key) is { } option ? (option, ParameterSource.CommandLine)
                : ReadEnvironment(parameter) is { } variable ? (variable, ParameterSource.Environment)
                : fromFiles.GetValueOrDefault(key) is { } setting ? (setting, ParameterSource.ParametersFile)
                : ((RawValue?)null, ParameterSource.Default);
            sources[parameter.Name] = source;
            if (raw is not null)
                ParameterReader.SetValue(build, parameter.Member, ValueConverter.Convert(parameter, raw));
        }
        return sources;
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

    /// <summary>
    /// A parameters file, read with <see cref="Utf8JsonReader"/> alone: every run reads one, and a JsonDocument's
    /// set-up costs a start more than the file does.
    /// </summary>
    private void ReadFile(AbsolutePath file, Dictionary<string, RawValue> values, string? profile)
    {
        var known = graph.Parameters.Select(p => ParameterNames.Normalize(p.Name)).ToHashSet();
        var relative = file.GetRelativePathFrom(rootDirectory);
        var reader = new Utf8JsonReader(File.ReadAllBytes(file), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new ParameterException($"Parameter file {relative}: expected a JSON object of parameter names and values.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name == "$schema") { reader.Skip(); continue; }
                var key = ParameterNames.Normalize(name);
                if (!known.Contains(key))
                    throw new ParameterException($"Unknown parameter {ArgumentText.Show(name)} in {relative}; {NameSuggester.SuggestOption(name, graph.Parameters)}");
                values[key] = new RawValue(JsonValues(ref reader, relative, name), profile is null ? $"{relative} ({name})" : $"{relative} ({name}; --profile {profile})", rootDirectory);
            }
            // Whatever follows the object (another value, a stray bracket) is refused as the reader reads it.
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            throw new ParameterException($"Parameter file {relative} is not valid JSON (line {e.LineNumber + 1}): expected an object of parameter names and values.");
        }
    }

    /// <summary>A value as the strings a parameter takes: arrays flattened, numbers as written, booleans as words.</summary>
    private static List<string> JsonValues(ref Utf8JsonReader reader, string file, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return [reader.GetString()!];
            case JsonTokenType.Number: return [System.Text.Encoding.UTF8.GetString(reader.ValueSpan)];
            case JsonTokenType.True: return ["true"];
            case JsonTokenType.False: return ["false"];
            case JsonTokenType.StartArray:
                var items = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.AddRange(JsonValues(ref reader, file, name));
                return items;
            default:
                var kind = reader.TokenType switch { JsonTokenType.StartObject => "Object", JsonTokenType.Null => "Null", var other => other.ToString() };
                throw new ParameterException($"Parameter '{name}' in {file}: expected a string, number, boolean or array, got {kind}.");
        }
    }
}
