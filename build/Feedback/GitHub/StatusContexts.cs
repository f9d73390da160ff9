using BuildEngine.Parameters;

namespace Pipeline.Feedback.GitHub;

/// <summary>
/// The commit-status context of a target's job: <c>toolchain/terraform-plan/prod</c>. The statuses the build sets
/// and the checks branch protection requires both come from here, so they cannot drift apart.
/// </summary>
public static class StatusContexts
{
    public const string Prefix = "toolchain";

    public static string For(string target, string? profile) =>
        profile is null ? $"{Prefix}/{ParameterNames.ToKebabCase(target)}" : $"{Prefix}/{ParameterNames.ToKebabCase(target)}/{profile}";
}
