using System.Text.Json.Nodes;
using Pipeline.Feedback.GitHub;
using Pipeline.Feedback.Slack;

namespace Pipeline.Feedback;

/// <summary>
/// Tells people about the state lock: a release (in the Slack channel) or a lock a failed job left (a reply in the
/// run's thread when there is one), and a comment on the commit either way. Masked first; a failure is a warning.
/// </summary>
public sealed class LockAnnouncer(FeedbackRun run, GitHubFeedback? github, SlackClient? slack, string? slackChannel,
    Func<CancellationToken, Task<DateTimeOffset>> runEarliestStart, Func<string, string> mask, Action<string> info, Action<string> warn)
{
    /// <param name="inRunThread">Reply in the run's thread (the failed job's run) instead of posting to the channel.</param>
    public async Task AnnounceAsync(string slackText, string commitComment, bool inRunThread, CancellationToken cancellationToken)
    {
        if (github is not null && run.Commit is { Length: > 0 } commit)
        {
            try
            {
                await github.CommitCommentAsync(commit, mask(commitComment), cancellationToken);
                info($"Commented on commit {commit}.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                warn($"GitHub commit comment failed, continuing: {e.Message}");
            }
        }
        if (slack is null)
            return;
        try
        {
            string? threadTs = null;
            if (inRunThread && slack.CanThread && slackChannel is not null)
                threadTs = (await new SlackThread(slack, slackChannel, run, runEarliestStart).ExistingParentAsync(cancellationToken))?.Ts;
            var text = mask(slackText);
            var blocks = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } });
            await slack.PostAsync(slackChannel, blocks, text, threadTs, null, cancellationToken);
            info(threadTs is null ? "Told the Slack channel." : "Replied in the run's Slack thread.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"Slack announcement failed, continuing: {e.Message}");
        }
    }
}
