using System.Text;

namespace Pipeline.Feedback.GitHub;

/// <summary>
/// The one pull-request comment that carries an environment's plan, found again by a hidden marker and edited in
/// place. It fits GitHub's 65,536-character limit: the plan details are cut, with a note, when they do not.
/// </summary>
public static class PlanComment
{
    public const int GitHubLimit = 65_536;

    public static string Marker(string environment) => $"<!-- toolchain:terraform-plan:{environment} -->";

    public static string Build(string environment, string commit, string summaryMarkdown, string planText, string? buildUrl, string? policySection = null, int limit = GitHubLimit)
    {
        const string summaryNote = "\n… (summary cut to fit GitHub's comment limit; summary.md is in the CircleCI job's artifacts)";
        if (summaryMarkdown.Length > limit / 2)
            summaryMarkdown = summaryMarkdown[..(limit / 2)] + summaryNote;
        var head = new StringBuilder()
            .Append(Marker(environment)).Append('\n')
            .Append($"### Terraform plan for `{environment}`\n\n")
            .Append($"Commit `{Short(commit)}`{(buildUrl is null ? "" : $" · [CircleCI job]({buildUrl})")}\n\n")
            .Append(summaryMarkdown.TrimEnd()).Append("\n\n")
            .Append(policySection is null ? "" : Cut(policySection.TrimEnd(), limit / 4) + "\n\n")
            .ToString();
        const string detailsOpen = "<details><summary>Full plan</summary>\n\n```\n";
        const string detailsClose = "\n```\n</details>\n";
        var note = "\n… (plan cut to fit GitHub's comment limit; the full plan.txt is in the CircleCI job's artifacts)";
        var fence = planText.Replace("```", "``\u200b`", StringComparison.Ordinal);
        var room = limit - head.Length - detailsOpen.Length - detailsClose.Length;
        if (fence.Length > room)
            fence = fence[..Math.Max(0, room - note.Length)] + note;
        return head + detailsOpen + fence + detailsClose;
    }

    private static string Cut(string section, int room) =>
        section.Length <= room ? section : section[..room] + "\n… (policy results cut to fit GitHub's comment limit; policy/<env>.md is in the CircleCI job's artifacts)";

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;
}
