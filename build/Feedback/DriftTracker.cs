using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Feedback.GitHub;
using Pipeline.Feedback.Slack;

namespace Pipeline.Feedback;

/// <summary>What one DriftCheck found in an environment.</summary>
public sealed record DriftFinding(bool Drifted, IReadOnlyList<string> ChangedOutside, string PlanOneLine, string SummaryMarkdown, DateTimeOffset CheckedAt);

/// <summary>
/// Drift as one GitHub issue per environment (found by a hidden marker, labelled <c>drift</c>): opened when drift
/// appears, updated while it stays, commented on and closed by the first clean check. The open issue is the
/// environment's drift state, so Slack hears only the changes of state, not every night. Without GitHub the state is
/// unknown and every drifted check is announced. Feedback never changes DriftCheck's outcome: a failure here warns.
/// </summary>
public sealed class DriftTracker(FeedbackRun run, GitHubFeedback? github, SlackClient? slack, string? slackChannel, Func<string, string> mask, Action<string> info, Action<string> warn)
{
    public const string Label = "drift";

    public static string Marker(string environment) => $"<!-- toolchain:drift:{environment} -->";

    public static string Title(string environment) => $"Drift: {environment} differs from its Terraform configuration";

    public async Task ReportAsync(DriftFinding finding, CancellationToken cancellationToken)
    {
        if (github is null)
        {
            if (finding.Drifted)
                await AnnounceAsync(Drifted(finding, issue: null), cancellationToken);
            return;
        }
        Octokit.Issue? open;
        try
        {
            open = await github.FindOpenIssueAsync(Marker(run.Environment), Label, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"GitHub drift issue lookup failed, continuing: {e.Message}");
            return;
        }
        if (finding.Drifted)
            await ReportDriftAsync(finding, open, cancellationToken);
        else if (open is not null)
            await CloseAsync(finding, open, cancellationToken);
    }

    private async Task ReportDriftAsync(DriftFinding finding, Octokit.Issue? open, CancellationToken cancellationToken)
    {
        var since = open?.CreatedAt ?? finding.CheckedAt;
        var body = mask(Body(finding, since));
        if (open is not null)
        {
            if (await Guard("GitHub drift issue", async () => await github!.UpdateIssueAsync(open.Number, Title(run.Environment), body, cancellationToken)))
                info($"Drift issue #{open.Number} updated: {run.Environment} has drifted since {since:yyyy-MM-dd HH:mm} UTC (Slack was told then).");
            if (open.Body?.Contains(Fingerprint(finding), StringComparison.Ordinal) == false)
                await Guard("GitHub drift issue", async () => await github!.CommentAsync(open.Number,
                    mask($"The drift changed ({finding.CheckedAt:yyyy-MM-dd HH:mm} UTC): {Changed(finding)}; a plan now would: {finding.PlanOneLine}."), cancellationToken));
            return;
        }
        Octokit.Issue? created = null;
        if (await Guard("GitHub drift issue", async () => created = await github!.CreateIssueAsync(Title(run.Environment), body, Label, cancellationToken)))
            info($"Opened drift issue #{created!.Number}: {created.HtmlUrl}");
        await AnnounceAsync(Drifted(finding, created), cancellationToken);
    }

    private string Drifted(DriftFinding finding, Octokit.Issue? issue) =>
        $":rotating_light: *{Escape(run.Environment)}* has drifted: {Escape(Changed(finding))}; a plan now would: {finding.PlanOneLine}"
        + (issue is null ? "" : $" · <{issue.HtmlUrl}|issue #{issue.Number}>");

    private async Task CloseAsync(DriftFinding finding, Octokit.Issue open, CancellationToken cancellationToken)
    {
        var comment = mask($"No drift any more: {run.Environment} matches its Terraform configuration (checked {finding.CheckedAt:yyyy-MM-dd HH:mm} UTC"
            + $" on commit `{run.Commit ?? "unknown"}`{(run.BuildUrl is null ? "" : $", [CircleCI job]({run.BuildUrl})")}). Closing.");
        if (await Guard("GitHub drift issue", async () => await github!.CommentAndCloseAsync(open.Number, comment, cancellationToken)))
            info($"Closed drift issue #{open.Number}: no drift any more.");
        await AnnounceAsync($":white_check_mark: *{Escape(run.Environment)}* no longer drifts: closed <{open.HtmlUrl}|issue #{open.Number}>", cancellationToken);
    }

    private string Body(DriftFinding finding, DateTimeOffset since)
    {
        var text = new StringBuilder()
            .Append(Marker(run.Environment)).Append(Fingerprint(finding)).Append('\n')
            .Append($"### `{run.Environment}` has drifted from its Terraform configuration\n\n")
            .Append($"Since {since:yyyy-MM-dd HH:mm} UTC · last checked {finding.CheckedAt:yyyy-MM-dd HH:mm} UTC on commit `{run.Commit ?? "unknown"}`")
            .Append(run.BuildUrl is null ? "" : $" · [CircleCI job]({run.BuildUrl})").Append("\n\n")
            .Append($"**Changed outside Terraform:** {(finding.ChangedOutside.Count == 0 ? "nothing; the configuration differs from what was applied" : string.Join(", ", finding.ChangedOutside.Select(CodeAddress)))}\n\n")
            .Append($"**A plan now would:** {finding.PlanOneLine}\n\n")
            .Append(finding.SummaryMarkdown.TrimEnd()).Append("\n\n")
            .Append("_DriftCheck updates this issue while the drift lasts and closes it when a check finds none. To converge, merge a change or re-run the deploy._\n");
        return text.ToString();
    }

    private async Task AnnounceAsync(string markdown, CancellationToken cancellationToken)
    {
        if (slack is null)
            return;
        var context = run.BuildUrl is null ? "DriftCheck" : $"DriftCheck · <{run.BuildUrl}|CircleCI job>";
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mask(markdown) } },
            new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = mask(context) }) });
        await Guard("Slack", async () => await slack.PostAsync(slackChannel, blocks, mask(markdown.Replace("*", "")), null, null, cancellationToken));
    }

    /// <summary>What drifted, hidden in the body: a later check that finds something else says so in a comment.</summary>
    private static string Fingerprint(DriftFinding finding)
    {
        var what = string.Join("\n", finding.ChangedOutside.Order(StringComparer.Ordinal)) + "\n" + finding.PlanOneLine + "\n" + finding.SummaryMarkdown;
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(what)))[..16].ToLowerInvariant();
        return $"<!-- drift:{hash} -->";
    }

    /// <summary>"address: what changed" with the address as code.</summary>
    private static string CodeAddress(string changed) =>
        changed.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0 ? $"`{changed[..colon]}`{changed[colon..]}" : $"`{changed}`";

    private static string Changed(DriftFinding finding) =>
        finding.ChangedOutside.Count == 0 ? "the configuration differs from what was applied" : $"changed outside Terraform: {string.Join(", ", finding.ChangedOutside)}";

    private static string Escape(string text) => SlackMessages.Escape(text);

    /// <summary>Runs one feedback call; a failure is a warning. Returns whether it succeeded.</summary>
    private async Task<bool> Guard(string what, Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"{what} feedback failed, continuing: {e.Message}");
            return false;
        }
    }
}
