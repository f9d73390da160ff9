using BuildEngine.Parameters;

namespace Pipeline.Feedback.GitHub;

/// <summary>
/// The commit-status context of a target's job: <c>toolchain/terraform-plan/prod</c>. The statuses the build sets
/// and the checks branch protection requires both come from here, so they cannot drift apart.
/// </summary>
public static class StatusContexts
{
    public const string Prefix = "toolchain";

    /// <summary>Checks named by what they guard rather than by their target: the policy check is <c>toolchain/policy-prod</c>.</summary>
    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal) { ["PolicyCheck"] = "policy" };

    public static string For(string target, string? profile) => Named.TryGetValue(target, out var name)
        ? profile is null ? $"{Prefix}/{name}" : $"{Prefix}/{name}-{profile}"
        : profile is null ? $"{Prefix}/{ParameterNames.ToKebabCase(target)}" : $"{Prefix}/{ParameterNames.ToKebabCase(target)}/{profile}";
}
