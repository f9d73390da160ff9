using BuildEngine.Execution;
using Pipeline.Feedback.GitHub;
using Pipeline.Feedback.Slack;

namespace Pipeline.Feedback;

/// <summary>
/// Tells GitHub (a commit status per target) and Slack (a reply per target in the run's thread) what each target
/// does. Every text passes the engine's masking first. A failure here is a warning: feedback never changes a
/// target's outcome.
/// </summary>
public sealed class PipelineFeedback(
    FeedbackRun run,
    GitHubFeedback? github,
    SlackClient? slack,
    string? slackChannel,
    Func<CancellationToken, Task<DateTimeOffset>> runEarliestStart,
    Func<string, string?> profileOf,
    Func<string, string> mask,
    Action<string> warn) : ITargetObserver
{
    private readonly SlackThread? _thread = slack is { CanThread: true } && slackChannel is not null ? new SlackThread(slack, slackChannel, run, runEarliestStart) : null;
    private readonly Dictionary<string, SlackMessage> _replies = new(StringComparer.Ordinal);

    /// <summary>
    /// Targets that reply only in a run thread that already exists (a deploy's), never starting one or posting alone:
    /// they tell Slack themselves what matters (DriftCheck: a change of drift state, not every night).
    /// </summary>
    public IReadOnlySet<string> ThreadOnlyTargets { get; init; } = new HashSet<string>();

    private string JobName(string target) => profileOf(target) is { } profile ? $"{target}-{profile}" : target;

    public async Task TargetStartingAsync(string target, CancellationToken cancellationToken)
    {
        await Guard("GitHub status", () => SetStatusAsync(target, StatusState.Pending, "started", cancellationToken));
        await Guard("Slack", async () =>
        {
            if (_thread is null) return;
            var parent = ThreadOnlyTargets.Contains(target) ? await _thread.ExistingParentAsync(cancellationToken) : await _thread.ParentAsync(cancellationToken);
            if (parent is null) return;
            var (blocks, text) = SlackMessages.Target(run, JobName(target), "started", null, profileOf(target));
            var reply = await slack!.PostAsync(parent.Channel, Masked(blocks), mask(text), parent.Ts, null, cancellationToken);
            if (reply is not null) _replies[target] = reply;
        });
    }

    public async Task TargetFinishedAsync(TargetResult result, CancellationToken cancellationToken)
    {
        var (state, status) = result.Status switch
        {
            TargetStatus.Succeeded => ("succeeded", StatusState.Success),
            TargetStatus.Skipped => ("skipped", StatusState.Success),
            TargetStatus.Aborted => ("aborted", StatusState.Failure),
            _ => ("failed", StatusState.Failure),
        };
        var detail = string.Join(" — ", new[] { $"in {BuildEngine.Output.Durations.Format(result.Duration)}", result.Summary ?? result.Reason }.Where(s => !string.IsNullOrWhiteSpace(s)));
        await Guard("GitHub status", () => SetStatusAsync(result.Target, status, $"{state} {detail}", cancellationToken));
        await Guard("Slack", async () =>
        {
            if (slack is null) return;
            var (blocks, text) = SlackMessages.Target(run, JobName(result.Target), state, detail, profileOf(result.Target));
            var threadOnly = ThreadOnlyTargets.Contains(result.Target);
            if (_replies.TryGetValue(result.Target, out var reply))
                await slack.UpdateAsync(reply, Masked(blocks), mask(text), cancellationToken);
            else if (_thread is not null)
            {
                var parent = threadOnly ? await _thread.ExistingParentAsync(cancellationToken) : await _thread.ParentAsync(cancellationToken);
                if (parent is not null)
                    await slack.PostAsync(parent.Channel, Masked(blocks), mask(text), parent.Ts, null, cancellationToken);
            }
            else if (!threadOnly)
                await slack.PostAsync(null, Masked(blocks), mask(text), null, null, cancellationToken);
        });
    }

    private async Task SetStatusAsync(string target, StatusState state, string description, CancellationToken cancellationToken)
    {
        if (github is null || run.Commit is null) return;
        await github.SetStatusAsync(run.Commit, StatusContexts.For(target, profileOf(target)), state, mask(description), run.BuildUrl, cancellationToken);
    }

    private System.Text.Json.Nodes.JsonArray Masked(System.Text.Json.Nodes.JsonArray blocks) =>
        (System.Text.Json.Nodes.JsonArray)System.Text.Json.Nodes.JsonNode.Parse(mask(blocks.ToJsonString()))!;

    private async Task Guard(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"{what} feedback failed, continuing: {e.Message}");
        }
    }
}
