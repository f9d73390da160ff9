using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Feedback.Slack;

/// <summary>
/// The one Slack message a pipeline run has, whose thread the targets reply in. Each CircleCI job is its own
/// process, so a job finds the run's message by its metadata (the workflow id); the first job posts it, and when
/// two jobs raced, the later message is deleted and the earlier one kept. The search reaches back to the run's
/// earliest possible start (its commit's time): an approval may keep a run waiting for days.
/// </summary>
public sealed class SlackThread(SlackClient slack, string channel, FeedbackRun run, Func<CancellationToken, Task<DateTimeOffset>> earliestStart)
{
    /// <summary>Jobs that race to post do so within seconds; reading this far past the first match finds the earlier one.</summary>
    private static readonly TimeSpan RaceWindow = TimeSpan.FromMinutes(10);

    private SlackMessage? _parent;

    public async Task<SlackMessage> ParentAsync(CancellationToken cancellationToken)
    {
        if (_parent is not null) return _parent;
        var oldest = await earliestStart(cancellationToken);
        var existing = await FindAsync(oldest, cancellationToken);
        if (existing is not null) return _parent = existing;

        var (blocks, text) = SlackMessages.Run(run);
        var posted = (await slack.PostAsync(channel, blocks, text, threadTs: null, SlackMessages.RunMetadata(run), cancellationToken))!;
        var winner = await FindAsync(oldest, cancellationToken) ?? posted;
        if (winner.Ts != posted.Ts)
            await slack.DeleteAsync(posted, cancellationToken);
        return _parent = winner;
    }

    /// <summary>The run's message when some job already posted it; never posts one.</summary>
    public async Task<SlackMessage?> ExistingParentAsync(CancellationToken cancellationToken) =>
        _parent ??= await FindAsync(await earliestStart(cancellationToken), cancellationToken);

    private async Task<SlackMessage?> FindAsync(DateTimeOffset oldest, CancellationToken cancellationToken)
    {
        var messages = await slack.HistoryAsync(channel, oldest, ReadPastFirstMatch, cancellationToken);
        return RunMessages(messages).Select(m => new SlackMessage(channel, (string)m["ts"]!)).FirstOrDefault();
    }

    private bool ReadPastFirstMatch(IReadOnlyList<JsonObject> newestFirst)
    {
        var earliest = RunMessages(newestFirst).FirstOrDefault();
        return earliest is not null && Timestamp(newestFirst[^1]) < Timestamp(earliest) - (decimal)RaceWindow.TotalSeconds;
    }

    /// <summary>This run's messages, earliest first.</summary>
    private IEnumerable<JsonObject> RunMessages(IEnumerable<JsonObject> messages) => messages
        .Where(m => (string?)m["metadata"]?["event_type"] == SlackMessages.RunEventType && (string?)m["metadata"]?["event_payload"]?["run_id"] == run.RunId)
        .Where(m => Timestamp(m) != default)
        .OrderBy(Timestamp);

    private static decimal Timestamp(JsonObject message) =>
        decimal.TryParse((string?)message["ts"], NumberStyles.Number, CultureInfo.InvariantCulture, out var ts) ? ts : default;
}
