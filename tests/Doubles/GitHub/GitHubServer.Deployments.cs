using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tests.Doubles.GitHub;

public sealed record RecordedDeploymentStatus(string State, string? Description, string? EnvironmentUrl, string? LogUrl, DateTime CreatedAt);

public sealed record RecordedDeployment(long Id, string Sha, string Ref, string Environment, string Task, bool Production, string? Description, JsonObject Payload,
    JsonObject Request, DateTime CreatedAt)
{
    public ConcurrentQueue<RecordedDeploymentStatus> Statuses { get; } = new();

    public IReadOnlyList<string> States => [.. Statuses.Select(s => s.State)];
}

/// <summary>
/// The Deployments API as GitHub serves it: create (refs resolve to themselves here: the pipeline passes SHAs), list
/// newest first with the environment, sha, task and ref query parameters, and statuses (create; list newest first).
/// </summary>
public sealed partial class GitHubServer
{
    public ConcurrentDictionary<long, RecordedDeployment> Deployments { get; } = new();

    public IReadOnlyList<RecordedDeployment> DeploymentsOf(string environment) =>
        [.. Deployments.Values.Where(d => d.Environment == environment).OrderBy(d => d.Id)];

    private ServerResponse? HandleDeployments(string call, RecordedRequest request)
    {
        if (DeploymentList().IsMatch(call))
            return request.Method == "POST" ? CreateDeployment(JsonNode.Parse(request.Body)!.AsObject()) : ListDeployments(request.Path);
        if (DeploymentStatuses().Match(call) is not { Success: true } match)
            return null;
        if (!Deployments.TryGetValue(long.Parse(match.Groups[1].Value), out var deployment))
            return Error(404, "Not Found");
        if (request.Method == "GET")
            return new ServerResponse(200, new JsonArray([.. deployment.Statuses.Reverse().Select((s, i) => (JsonNode)Status(deployment, s, i))]).ToJsonString());
        var body = JsonNode.Parse(request.Body)!;
        var status = new RecordedDeploymentStatus((string)body["state"]!, (string?)body["description"], (string?)body["environment_url"], (string?)body["log_url"], DateTime.UtcNow);
        deployment.Statuses.Enqueue(status);
        return new ServerResponse(201, Status(deployment, status, deployment.Statuses.Count).ToJsonString());
    }

    private ServerResponse CreateDeployment(JsonObject body)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reference = (string)body["ref"]!;
        var deployment = new RecordedDeployment(id, reference, reference, (string?)body["environment"] ?? "production", (string?)body["task"] ?? "deploy",
            (bool?)body["production_environment"] ?? false, (string?)body["description"], body["payload"] as JsonObject ?? [], body, DateTime.UtcNow);
        Deployments[id] = deployment;
        return new ServerResponse(201, Deployment(deployment).ToJsonString());
    }

    private ServerResponse ListDeployments(string path)
    {
        var query = System.Web.HttpUtility.ParseQueryString(path.Contains('?') ? path[(path.IndexOf('?') + 1)..] : "");
        var perPage = int.TryParse(query["per_page"], out var n) ? n : 30;
        var matching = Deployments.Values
            .Where(d => query["environment"] is not { } e || d.Environment == e)
            .Where(d => query["sha"] is not { } s || d.Sha == s)
            .Where(d => query["task"] is not { } t || d.Task == t)
            .Where(d => query["ref"] is not { } r || d.Ref == r)
            .OrderByDescending(d => d.Id).Take(perPage);
        return new ServerResponse(200, new JsonArray([.. matching.Select(d => (JsonNode)Deployment(d))]).ToJsonString());
    }

    private JsonObject Deployment(RecordedDeployment d) => new()
    {
        ["url"] = $"{Url}/repos/acme/infra/deployments/{d.Id}", ["id"] = d.Id, ["node_id"] = $"DE_{d.Id}", ["sha"] = d.Sha, ["ref"] = d.Ref,
        ["task"] = d.Task, ["payload"] = d.Payload.DeepClone(), ["original_environment"] = d.Environment, ["environment"] = d.Environment,
        ["description"] = d.Description, ["creator"] = User(), ["created_at"] = d.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["updated_at"] = Now, ["statuses_url"] = $"{Url}/repos/acme/infra/deployments/{d.Id}/statuses",
        ["repository_url"] = $"{Url}/repos/acme/infra", ["transient_environment"] = false, ["production_environment"] = d.Production,
    };

    private JsonObject Status(RecordedDeployment d, RecordedDeploymentStatus s, int index) => new()
    {
        ["url"] = $"{Url}/repos/acme/infra/deployments/{d.Id}/statuses/{index}", ["id"] = d.Id * 100 + index, ["node_id"] = $"DES_{d.Id}_{index}",
        ["state"] = s.State, ["creator"] = User(), ["description"] = s.Description ?? "", ["environment"] = d.Environment,
        ["target_url"] = s.LogUrl ?? "", ["log_url"] = s.LogUrl ?? "", ["environment_url"] = s.EnvironmentUrl ?? "",
        ["created_at"] = s.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["updated_at"] = s.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["deployment_url"] = $"{Url}/repos/acme/infra/deployments/{d.Id}", ["repository_url"] = $"{Url}/repos/acme/infra",
    };

    [GeneratedRegex(@"^(?:GET|POST) /repos/[^/]+/[^/]+/deployments$")]
    private static partial Regex DeploymentList();

    [GeneratedRegex(@"^(?:GET|POST) /repos/[^/]+/[^/]+/deployments/(\d+)/statuses$")]
    private static partial Regex DeploymentStatuses();
}
