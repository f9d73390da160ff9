using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tests.Doubles.GitHub;

public sealed record RecordedIssue(int Number, string Title, string Body, IReadOnlyList<string> Labels, string State, string? StateReason, DateTime CreatedAt);

/// <summary>The issues API (list with state and label filters, create, edit, close) in GitHub's JSON shapes.</summary>
public sealed partial class GitHubServer
{
    private int _nextIssue = 0;

    public ConcurrentDictionary<int, RecordedIssue> Issues { get; } = new();

    /// <summary>Comments on one issue, oldest first.</summary>
    public IReadOnlyList<string> CommentsOn(int issue) => [.. Comments.Where(c => c.Value.Issue == issue).OrderBy(c => c.Key).Select(c => c.Value.Body)];

    /// <summary>Comments on commits (POST /repos/{owner}/{repo}/commits/{sha}/comments), in order.</summary>
    public ConcurrentQueue<(string Sha, string Body)> CommitComments { get; } = new();

    private ServerResponse? HandleIssues(string call, RecordedRequest request)
    {
        if (CommitCommentPath().Match(call) is { Success: true } commit)
        {
            var id = Interlocked.Increment(ref _nextId);
            var text = (string)JsonNode.Parse(request.Body)!["body"]!;
            CommitComments.Enqueue((commit.Groups[1].Value, text));
            return new ServerResponse(201, new JsonObject
            {
                ["id"] = id, ["node_id"] = $"CC_{id}", ["url"] = $"{Url}/comments/{id}", ["html_url"] = $"https://github.example/commit/{commit.Groups[1].Value}#comment-{id}",
                ["body"] = text, ["commit_id"] = commit.Groups[1].Value, ["user"] = User(), ["created_at"] = Now, ["updated_at"] = Now, ["author_association"] = "NONE",
            }.ToJsonString());
        }
        if (call.EndsWith("/issues", StringComparison.Ordinal) && IssueList().IsMatch(call))
        {
            if (request.Method == "POST")
            {
                var body = JsonNode.Parse(request.Body)!;
                var number = Interlocked.Increment(ref _nextIssue);
                var labels = body["labels"]?.AsArray().Select(l => (string)l!).ToList() ?? [];
                var issue = new RecordedIssue(number, (string)body["title"]!, (string?)body["body"] ?? "", labels, "open", null, DateTime.UtcNow);
                Issues[number] = issue;
                return new ServerResponse(201, Issue(issue).ToJsonString());
            }
            var query = Query(request.Path);
            var state = query.GetValueOrDefault("state", "open");
            var wanted = query.TryGetValue("labels", out var l) ? l.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
            var matching = Issues.Values
                .Where(i => state == "all" || i.State == state)
                .Where(i => wanted.All(w => i.Labels.Contains(w)))
                .OrderByDescending(i => i.Number);
            return new ServerResponse(200, new JsonArray([.. matching.Select(i => (JsonNode)Issue(i))]).ToJsonString());
        }
        if (IssueByNumber().Match(call) is { Success: true } edit && request.Method == "PATCH")
        {
            var number = int.Parse(edit.Groups[1].Value);
            if (!Issues.TryGetValue(number, out var issue)) return Error(404, "Not Found");
            var body = JsonNode.Parse(request.Body)!;
            issue = issue with
            {
                Title = (string?)body["title"] ?? issue.Title,
                Body = (string?)body["body"] ?? issue.Body,
                State = (string?)body["state"] ?? issue.State,
                StateReason = (string?)body["state_reason"] ?? issue.StateReason,
            };
            Issues[number] = issue;
            return new ServerResponse(200, Issue(issue).ToJsonString());
        }
        return null;
    }

    private JsonObject Issue(RecordedIssue issue) => new()
    {
        ["id"] = 5000 + issue.Number, ["node_id"] = $"I_{issue.Number}", ["url"] = $"{Url}/issues/{issue.Number}",
        ["html_url"] = $"https://github.example/acme/infra/issues/{issue.Number}", ["number"] = issue.Number,
        ["state"] = issue.State, ["state_reason"] = issue.StateReason, ["title"] = issue.Title, ["body"] = issue.Body, ["user"] = User(),
        ["labels"] = new JsonArray([.. issue.Labels.Select((l, i) => (JsonNode)new JsonObject { ["id"] = 700 + i, ["node_id"] = $"L_{l}", ["url"] = $"{Url}/labels/{l}", ["name"] = l, ["color"] = "d73a4a", ["default"] = false })]),
        ["locked"] = false, ["comments"] = CommentsOn(issue.Number).Count, ["pull_request"] = null,
        ["created_at"] = issue.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["updated_at"] = Now, ["closed_at"] = issue.State == "closed" ? Now : null,
        ["author_association"] = "NONE",
    };

    private static Dictionary<string, string> Query(string path) =>
        path.Contains('?')
            ? path[(path.IndexOf('?') + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")
            : [];

    [GeneratedRegex(@"^POST /repos/[^/]+/[^/]+/commits/([0-9a-f]{7,40})/comments$")]
    private static partial Regex CommitCommentPath();

    [GeneratedRegex(@"^(?:GET|POST) /repos/[^/]+/[^/]+/issues$")]
    private static partial Regex IssueList();

    [GeneratedRegex(@"^PATCH /repos/[^/]+/[^/]+/issues/(\d+)$")]
    private static partial Regex IssueByNumber();
}
