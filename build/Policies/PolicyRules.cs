namespace Pipeline.Policies;

/// <summary>Every rule PolicyCheck runs. A new rule is a class in this folder, added here (and to the README).</summary>
public static class PolicyRules
{
    public static IReadOnlyList<IPolicyRule> All { get; } =
    [
        new NoPublicIngressRule(),
        new RequiredTagsRule(),
        new EncryptedVolumesRule(),
        new AllowedInstanceTypesRule(),
    ];

    /// <summary>The plan-level rule: a plan with changes that no rule evaluated fails closed.</summary>
    public const string CoverageRuleId = "policy-coverage";

    /// <summary>The address of a plan-level violation (what a waiver of <see cref="CoverageRuleId"/> names).</summary>
    public const string WholePlan = "*";
}
