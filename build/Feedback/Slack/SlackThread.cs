using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Feedback.Slack;

/// <summary>
/// The one Slack message a pipeline run has, whose thread the targets reply in. Each CircleCI job is its own
/// process, so a job finds the run's message by its metadata (the workflow id); the first job posts it, and when
/// two jobs raced, the later message is deleted and the earlier one kept.
/// </summary>
public sealed class SlackThread(SlackClient slack, string channel, FeedbackRun run)
{
    private SlackMessage? _parent;

    public async Task<SlackMessage> ParentAsync(CancellationToken cancellationToken)
    {
        if (_parent is not null) return _parent;
        var existing = await FindAsync(cancellationToken);
        if (existing is not null) return _parent = existing;

        var (blocks, text) = SlackMessages.Run(run);
        var posted = (await slack.PostAsync(channel, blocks, text, threadTs: null, SlackMessages.RunMetadata(run), cancellationToken))!;
        var winner = await FindAsync(cancellationToken) ?? posted;
        if (winner.Ts != posted.Ts)
            await slack.DeleteAsync(posted, cancellationToken);
        return _parent = winner;
    }

    private async Task<SlackMessage?> FindAsync(CancellationToken cancellationToken)
    {
        var messages = await slack.HistoryAsync(channel, DateTimeOffset.UtcNow.AddDays(-3), cancellationToken);
        return messages
            .Where(m => (string?)m["metadata"]?["event_type"] == SlackMessages.RunEventType && (string?)m["metadata"]?["event_payload"]?["run_id"] == run.RunId)
            .Select(m => (string?)m["ts"])
            .OfType<string>()
            .OrderBy(ts => decimal.Parse(ts, CultureInfo.InvariantCulture))
            .Select(ts => new SlackMessage(channel, ts))
            .FirstOrDefault();
    }
}
