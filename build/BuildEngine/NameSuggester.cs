namespace BuildEngine;

/// <summary>Finds the closest known name to a misspelt one (Levenshtein distance, case-insensitive).</summary>
public static class NameSuggester
{
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        var allowed = Math.Max(2, input.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>"did you mean --aws-region?" for a misspelt parameter name, or a pointer to --help.</summary>
    public static string SuggestOption(string name, IEnumerable<Parameters.ParameterNode> parameters)
    {
        var closest = Closest(Parameters.ParameterNames.ToKebabCase(name), parameters.Select(p => p.Option.TrimStart('-')));
        return closest is null ? "see --help for the parameters." : $"did you mean --{closest}?";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
