using System.Text;

namespace BuildEngine.Parameters;

/// <summary>Spellings of a parameter name: --aws-region, AWS_REGION and AwsRegion are the same parameter.</summary>
public static class ParameterNames
{
    /// <summary>Lower case with dashes and underscores removed: the form names are compared in.</summary>
    public static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
                builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    public static string ToKebabCase(string name) => string.Join('-', SplitWords(name)).ToLowerInvariant();

    public static string ToUpperSnakeCase(string name) => string.Join('_', SplitWords(name)).ToUpperInvariant();

    private static IEnumerable<string> SplitWords(string name)
    {
        var word = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (word.Length > 0) { yield return word.ToString(); word.Clear(); }
                continue;
            }
            var startsWord = word.Length > 0 && char.IsUpper(c) &&
                (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord) { yield return word.ToString(); word.Clear(); }
            word.Append(c);
        }
        if (word.Length > 0)
            yield return word.ToString();
    }
}
