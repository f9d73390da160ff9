namespace BuildEngine;

/// <summary>The command line split into targets, the engine's own options, and parameter options.</summary>
public sealed record CommandLine
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
        new HashSet<string>(["target", "skip", "profile", "plan", "help"], StringComparer.Ordinal);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var targets = new List<string>();
        var options = new List<(string Name, List<string> Values)>();
        foreach (var arg in args)
        {
            if (IsOption(arg))
            {
                options.Add((arg.TrimStart('-'), []));
            }
            else if (options.Count == 0)
            {
                targets.Add(arg);
            }
            else
            {
                options[^1].Values.Add(arg);
            }
        }

        var result = new CommandLine();
        var parameters = new List<(string, IReadOnlyList<string>)>();
        var skipped = new List<string>();
        var profiles = new List<string>();
        foreach (var (name, values) in options)
        {
            switch (Parameters.ParameterNames.Normalize(name))
            {
                case "target": targets.AddRange(values); break;
                case "skip": result = result with { Skip = true }; skipped.AddRange(values); break;
                case "profile":
                    if (values.Count == 0) throw new Parameters.ParameterException("Option '--profile' on the command line needs a profile name, e.g. --profile prod.");
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

    private static bool IsOption(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !char.IsDigit(arg[1]) && arg != "--";
}
