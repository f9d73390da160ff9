using System.Collections.Concurrent;

namespace BuildEngine.Execution;

/// <summary>One-line outcomes targets report for the summary table and feedback ("3 to add, 1 to destroy").</summary>
public sealed class TargetSummaries
{
    private readonly ConcurrentDictionary<string, string> _summaries = new(StringComparer.Ordinal);

    public void Set(string target, string summary) => _summaries[target] = summary;

    public string? Get(string target) => _summaries.GetValueOrDefault(target);
}
