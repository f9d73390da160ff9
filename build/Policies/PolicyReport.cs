namespace Pipeline.Policies;

/// <summary>A rule broken by one resource; waived when a current waiver covers it, counting otherwise.</summary>
public sealed record PolicyViolation(string Rule, string Address, string Reason, PolicyWaiver? Waiver, bool WaiverExpired)
{
    public bool Counts => Waiver is null || WaiverExpired;

    public string Line => $"{Rule} {Address}: {Reason}" + (Waiver is null ? ""
        : WaiverExpired ? $" (waiver expired on {Waiver.Expires:yyyy-MM-dd}: no longer counts)"
        : $" (waived until {Waiver.Expires:yyyy-MM-dd}: {Waiver.Reason})");
}

/// <summary>How one rule fared: how many resources it judged and what it found.</summary>
public sealed record RuleResult(string Rule, string Description, int Evaluated, IReadOnlyList<PolicyViolation> Violations)
{
    public bool Passed => Violations.All(v => !v.Counts);
}

/// <summary>The outcome of PolicyCheck on one plan: every rule's result, plan-level violations, unused waivers.</summary>
public sealed record PolicyReport(
    string Environment,
    string? PlanSha256,
    bool PlanHasChanges,
    IReadOnlyList<RuleResult> Rules,
    IReadOnlyList<PolicyViolation> PlanViolations,
    IReadOnlyList<PolicyWaiver> UnusedWaivers)
{
    public IEnumerable<PolicyViolation> AllViolations => Rules.SelectMany(r => r.Violations).Concat(PlanViolations);

    private IReadOnlyList<PolicyViolation>? _counting;

    /// <summary>The violations that fail the check: not waived, or waived by an expired waiver.</summary>
    public IReadOnlyList<PolicyViolation> Counting => _counting ??= [.. AllViolations.Where(v => v.Counts)];

    public bool Passed => Counting.Count == 0;

    public int Evaluated => Rules.Sum(r => r.Evaluated);

    public string OneLine
    {
        get
        {
            var waived = AllViolations.Count(v => !v.Counts);
            var waivedText = waived > 0 ? $", {waived} waived" : "";
            if (Passed)
                return $"policy passed: {Rules.Count} rules, {Evaluated} checks{waivedText}";
            var rules = Counting.Select(v => v.Rule).Distinct().ToList();
            return $"policy failed: {Counting.Count} violation{(Counting.Count == 1 ? "" : "s")} of {string.Join(", ", rules)}{waivedText}";
        }
    }
}
