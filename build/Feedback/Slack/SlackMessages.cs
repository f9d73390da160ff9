using System.Text.Json.Nodes;

namespace Pipeline.Feedback.Slack;

/// <summary>Block Kit messages: the run's parent message and one reply per target.</summary>
public static class SlackMessages
{
    public const string RunEventType = "toolchain_run";

    public static (JsonArray Blocks, string Text) Run(FeedbackRun run)
    {
        var text = $":rocket: *{Escape(run.Project)}* pipeline on `{Escape(run.Branch ?? "?")}` @ `{Short(run.Commit)}`"
                   + (run.Workflow is null ? "" : $" · workflow `{Escape(run.Workflow)}`");
        return (new JsonArray(Section(text), Context(Links(run, includeJob: false, environment: null))), Plain(text));
    }

    public static JsonObject RunMetadata(FeedbackRun run) => new()
    {
        ["event_type"] = RunEventType,
        ["event_payload"] = new JsonObject { ["run_id"] = run.RunId },
    };

    /// <summary>A target's reply; <paramref name="environment"/> is the environment its job deploys, if it deploys one.</summary>
    public static (JsonArray Blocks, string Text) Target(FeedbackRun run, string job, string state, string? detail, string? environment)
    {
        var icon = state switch
        {
            "started" => ":hourglass_flowing_sand:",
            "succeeded" => ":white_check_mark:",
            "skipped" => ":fast_forward:",
            "aborted" => ":octagonal_sign:",
            _ => ":x:",
        };
        var text = $"{icon} *{Escape(job)}* {state}" + (string.IsNullOrWhiteSpace(detail) ? "" : $": {Escape(detail)}");
        return (new JsonArray(Section(text), Context(Links(run, includeJob: true, environment))), Plain(text));
    }

    /// <summary>The run's header names no environment: a deploy run promotes through several.</summary>
    private static string Links(FeedbackRun run, bool includeJob, string? environment)
    {
        var links = new List<string>();
        if (includeJob && run.BuildUrl is not null) links.Add($"<{run.BuildUrl}|CircleCI job>");
        if (!includeJob && run.WorkflowUrl is not null) links.Add($"<{run.WorkflowUrl}|CircleCI workflow>");
        if (run.PullRequestUrl is not null) links.Add($"<{run.PullRequestUrl}|pull request{(run.PullRequestNumber is { } n ? $" #{n}" : "")}>");
        if (environment is not null) links.Add($"environment `{Escape(environment)}`");
        return string.Join(" · ", links);
    }

    private static JsonObject Section(string markdown) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown },
    };

    private static JsonObject Context(string markdown) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown }),
    };

    /// <summary>Slack's mrkdwn needs &amp;, &lt; and &gt; escaped.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Plain(string markdown) => markdown.Replace("*", "").Replace("`", "");

    private static string Short(string? commit) => commit is null ? "?" : commit.Length > 7 ? commit[..7] : commit;
}
