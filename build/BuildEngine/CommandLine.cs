using System.Text.RegularExpressions;
using BuildEngine.Parameters;

namespace BuildEngine;

/// <summary>The command line split into targets, the engine's own options, and parameter options.</summary>
public sealed partial record CommandLine
{
    public IReadOnlyList<string> Targets { get; init; } = [];
    public bool Skip { get; init; }
    public IReadOnlyList<string> SkippedTargets { get; init; } = [];
    public IReadOnlyList<string> Profiles { get; init; } = [];
    public bool ShowPlan { get; init; }
    public bool ShowHelp { get; init; }

    /// <summary>Parameter options in the order given: the name as typed (without dashes) and its values.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Values)> Options { get; init; } = [];

    /// <summary>Built-in options; never read from environment variables or parameter files.</summary>
    public static readonly IReadOnlySet<string> BuiltInOptions =
        new HashSet<string>(["target", "skip", "profile", "plan", "help", "h"], StringComparer.Ordinal);

    /// <summary>
    /// Reads <c>--name value</c>, <c>--name=value</c> and flags. After a parameter that takes a value the next argument
    /// is its value even when it starts with a dash (a private key does), unless it is exactly a known option.
    /// Values of secret parameters go to <paramref name="onSecretValue"/> before anything can be echoed.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<ParameterNode> parameters, Action<string>? onSecretValue = null)
    {
        var known = parameters.ToDictionary(p => ParameterNames.Normalize(p.Name));
        var targets = new List<string>();
        var options = new List<(string Name, List<string> Values)>();
        ParameterNode? awaitingValue = null;
        foreach (var arg in args)
        {
            var option = AsOption(arg);
            var isKnownOption = option is { } o && (known.ContainsKey(o.Key) || BuiltInOptions.Contains(o.Key));
            if (awaitingValue is not null && !isKnownOption)
            {
                options[^1].Values.Add(arg);
                if (awaitingValue.IsSecret) onSecretValue?.Invoke(arg);
                awaitingValue = null;
                continue;
            }
            awaitingValue = null;
            if (option is { } parsed)
            {
                var parameter = known.GetValueOrDefault(parsed.Key);
                if (parameter is null && !BuiltInOptions.Contains(parsed.Key))
                    throw new ParameterException($"Unknown option {ArgumentText.Show(arg.Split('=', 2)[0])} on the command line; {NameSuggester.SuggestOption(parsed.Name, parameters)}");
                List<string> values = parsed.Value is null ? [] : [parsed.Value];
                if (parsed.Value is not null && parameter?.IsSecret == true) onSecretValue?.Invoke(parsed.Value);
                options.Add((parsed.Name, values));
                if (parsed.Value is null && parameter is not null && TakesValue(parameter))
                    awaitingValue = parameter;
            }
            else if (IsOptionShaped(arg))
            {
                throw new ParameterException($"Unknown option {ArgumentText.Show(arg)} on the command line; expected --name value, --name=value or a target name.");
            }
            else if (options.Count == 0)
            {
                targets.Add(arg);
            }
            else
            {
                options[^1].Values.Add(arg);
                if (known.GetValueOrDefault(ParameterNames.Normalize(options[^1].Name)) is { IsSecret: true })
                    onSecretValue?.Invoke(arg);
            }
        }
        return Split(targets, options);
    }

    private static CommandLine Split(List<string> targets, List<(string Name, List<string> Values)> options)
    {
        var result = new CommandLine();
        var parameters = new List<(string, IReadOnlyList<string>)>();
        var skipped = new List<string>();
        var profiles = new List<string>();
        foreach (var (name, values) in options)
        {
            switch (ParameterNames.Normalize(name))
            {
                case "target": targets.AddRange(values); break;
                case "skip": result = result with { Skip = true }; skipped.AddRange(values); break;
                case "profile":
                    if (values.Count == 0) throw new ParameterException("Option '--profile' on the command line needs a profile name, e.g. --profile prod.");
                    foreach (var profile in values.Where(p => !ProfileNamePattern().IsMatch(p)))
                        throw new ParameterException($"Option '--profile' on the command line: {ArgumentText.Show(profile)} is not a profile name; expected 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names .nuke/parameters.<profile>.json).");
                    profiles.AddRange(values);
                    break;
                // Words after --plan or --help are read as targets: `./build.sh --plan TerraformApply`.
                case "plan": result = result with { ShowPlan = true }; targets.AddRange(values); break;
                case "help" or "h": result = result with { ShowHelp = true }; targets.AddRange(values); break;
                default: parameters.Add((name, values)); break;
            }
        }
        return result with { Targets = targets, SkippedTargets = skipped, Profiles = profiles, Options = parameters };
    }

    /// <summary>Booleans are flags (<c>--allow-destroy</c>); every other parameter needs a value.</summary>
    private static bool TakesValue(ParameterNode parameter) =>
        (Nullable.GetUnderlyingType(parameter.Type) ?? parameter.Type) != typeof(bool);

    /// <summary>
    /// An argument of the form <c>--name</c> or <c>--name=value</c> (one dash too) with a name of ASCII letters, digits,
    /// dashes and underscores starting with a letter. Read by hand: every run parses its command line, and the
    /// regular-expression machinery costs a start several milliseconds.
    /// </summary>
    private static (string Name, string Key, string? Value)? AsOption(string arg)
    {
        var start = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('-') ? 1 : -1;
        if (start < 0 || start >= arg.Length || !char.IsAsciiLetter(arg[start])) return null;
        var end = start + 1;
        while (end < arg.Length && (char.IsAsciiLetterOrDigit(arg[end]) || arg[end] is '_' or '-')) end++;
        if (end < arg.Length && arg[end] != '=') return null;
        var name = arg[start..end];
        return (name, ParameterNames.Normalize(name), end < arg.Length ? arg[(end + 1)..] : null);
    }

    /// <summary>Anything else that starts with a dash (not a negative number, not <c>--</c>) is a malformed option.</summary>
    private static bool IsOptionShaped(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !char.IsDigit(arg[1]) && arg != "--";

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex ProfileNamePattern();

}
