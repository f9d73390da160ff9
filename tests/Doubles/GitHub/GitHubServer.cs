using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tests.Doubles.GitHub;

public sealed record RecordedStatus(string Sha, string Context, string State, string? Description, string? TargetUrl);

/// <summary>
/// A local GitHub REST API (the paths Octokit uses under a GitHub Enterprise base address, /api/v3/…): statuses,
/// issue comments, issues and branch protection, in GitHub's JSON shapes, recording everything. Faults are switches.
/// </summary>
public sealed partial class GitHubServer : IDisposable
{
    private readonly LocalHttpServer _server;
    private readonly ConcurrentQueue<(string Prefix, int Status)> _faults = new();
    private long _nextId = 1000;

    public GitHubServer(string token)
    {
        Token = token;
        _server = new LocalHttpServer(Handle);
    }

    public string Token { get; }
    public string Url => _server.Url;
    public ConcurrentQueue<RecordedRequest> Requests => _server.Requests;
    public ConcurrentQueue<RecordedStatus> Statuses { get; } = new();
    public ConcurrentDictionary<long, (int Issue, string Body)> Comments { get; } = new();
    public JsonObject? Protection { get; set; }
    public int ProtectionUpdates { get; private set; }

    /// <summary>The next <paramref name="times"/> requests whose "METHOD /path" starts with the prefix fail.</summary>
    public void FailNext(string prefix, int times, int status)
    {
        for (var i = 0; i < times; i++) _faults.Enqueue((prefix, status));
    }

    private ServerResponse Handle(RecordedRequest request)
    {
        var path = request.Path.Split('?')[0];
        if (path.StartsWith("/api/v3", StringComparison.Ordinal)) path = path[7..];
        var call = $"{request.Method} {path}";
        if (HandleApp(call, request) is { } app)
            return app;
        if (!request.Headers.TryGetValue("Authorization", out var auth) || !Authorized(auth))
            return Error(401, "Bad credentials");
        if (_faults.TryPeek(out var fault) && call.StartsWith(fault.Prefix, StringComparison.Ordinal) && _faults.TryDequeue(out _))
            return new ServerResponse(fault.Status, fault.Status == 502 ? "<html>Bad Gateway</html>" : Message("fault"), fault.Status == 502 ? "text/html" : "application/json",
                fault.Status is 403 or 429 ? new Dictionary<string, string> { ["Retry-After"] = "1" } : null);

        if (Statuses_().Match(call) is { Success: true } status)
        {
            var body = JsonNode.Parse(request.Body)!;
            var recorded = new RecordedStatus(status.Groups[1].Value, (string)body["context"]!, (string)body["state"]!, (string?)body["description"], (string?)body["target_url"]);
            Statuses.Enqueue(recorded);
            return new ServerResponse(201, new JsonObject
            {
                ["id"] = Interlocked.Increment(ref _nextId), ["url"] = $"{Url}/status", ["state"] = recorded.State, ["description"] = recorded.Description,
                ["target_url"] = recorded.TargetUrl, ["context"] = recorded.Context, ["created_at"] = Now, ["updated_at"] = Now, ["creator"] = User(),
            }.ToJsonString());
        }
        if (IssueComments().Match(call) is { Success: true } list && request.Method == "GET")
        {
            var issue = int.Parse(list.Groups[1].Value);
            return new ServerResponse(200, new JsonArray([.. Comments.Where(c => c.Value.Issue == issue).OrderBy(c => c.Key).Select(c => (JsonNode)Comment(c.Key, c.Value.Body))]).ToJsonString());
        }
        if (IssueComments().Match(call) is { Success: true } create && request.Method == "POST")
        {
            var id = Interlocked.Increment(ref _nextId);
            var body = (string)JsonNode.Parse(request.Body)!["body"]!;
            Comments[id] = (int.Parse(create.Groups[1].Value), body);
            return new ServerResponse(201, Comment(id, body).ToJsonString());
        }
        if (CommentById().Match(call) is { Success: true } update && request.Method == "PATCH")
        {
            var id = long.Parse(update.Groups[1].Value);
            if (!Comments.TryGetValue(id, out var existing)) return Error(404, "Not Found");
            var body = (string)JsonNode.Parse(request.Body)!["body"]!;
            Comments[id] = (existing.Issue, body);
            return new ServerResponse(200, Comment(id, body).ToJsonString());
        }
        if (ProtectionPath().IsMatch(call))
            return request.Method == "GET" ? GetProtection() : PutProtection(request.Body);
        return HandleIssues(call, request) ?? HandleDeployments(call, request) ?? Error(404, "Not Found");
    }

    private ServerResponse GetProtection() => Protection is null ? Error(404, "Branch not protected") : new ServerResponse(200, Protection.ToJsonString());

    private ServerResponse PutProtection(string requestBody)
    {
        var body = JsonNode.Parse(requestBody)!;
        ProtectionUpdates++;
        var checks = body["required_status_checks"];
        var reviews = body["required_pull_request_reviews"];
        Protection = new JsonObject
        {
            ["url"] = $"{Url}/protection",
            ["required_status_checks"] = checks is null ? null : new JsonObject
            {
                ["url"] = $"{Url}/protection/required_status_checks",
                ["strict"] = (bool?)checks["strict"] ?? false,
                ["contexts"] = checks["contexts"]?.DeepClone() ?? new JsonArray(),
                ["contexts_url"] = $"{Url}/contexts",
            },
            ["required_pull_request_reviews"] = reviews is null ? null : new JsonObject
            {
                ["url"] = $"{Url}/protection/required_pull_request_reviews",
                ["dismiss_stale_reviews"] = (bool?)reviews["dismiss_stale_reviews"] ?? false,
                ["require_code_owner_reviews"] = (bool?)reviews["require_code_owner_reviews"] ?? false,
                ["required_approving_review_count"] = (int?)reviews["required_approving_review_count"] ?? 1,
            },
            ["enforce_admins"] = new JsonObject { ["url"] = $"{Url}/enforce_admins", ["enabled"] = (bool?)body["enforce_admins"] ?? false },
        };
        return new ServerResponse(200, Protection.ToJsonString());
    }

    private JsonObject Comment(long id, string body) => new()
    {
        ["id"] = id, ["node_id"] = $"IC_{id}", ["url"] = $"{Url}/comments/{id}", ["html_url"] = $"https://github.example/comments/{id}",
        ["body"] = body, ["user"] = User(), ["created_at"] = Now, ["updated_at"] = Now, ["author_association"] = "NONE",
    };

    private static JsonObject User() => new() { ["login"] = "toolchain-bot", ["id"] = 1, ["node_id"] = "U_1", ["type"] = "Bot", ["site_admin"] = false };

    private static string Now => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private static string Message(string message) => new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" }.ToJsonString();

    private static ServerResponse Error(int status, string message) => new(status, Message(message));

    [GeneratedRegex(@"^POST /repos/[^/]+/[^/]+/statuses/([0-9a-zA-Z]+)$")]
    private static partial Regex Statuses_();

    [GeneratedRegex(@"^(?:GET|POST) /repos/[^/]+/[^/]+/issues/(\d+)/comments$")]
    private static partial Regex IssueComments();

    [GeneratedRegex(@"^PATCH /repos/[^/]+/[^/]+/issues/comments/(\d+)$")]
    private static partial Regex CommentById();

    [GeneratedRegex(@"^(?:GET|PUT) /repos/[^/]+/[^/]+/branches/[^/]+/protection$")]
    private static partial Regex ProtectionPath();

    public void Dispose() => _server.Dispose();
}
