using System.Collections.ObjectModel;
using Octokit;
using Polly;

namespace Pipeline.Feedback.GitHub;

/// <summary>A deployment to create: what is deployed (the commit), where, why, and what it carries.</summary>
public sealed record DeploymentRequest(string Ref, string Environment, string Task, bool Production, string Description, IReadOnlyDictionary<string, string> Payload);

/// <summary>The states the pipeline gives a deployment.</summary>
public enum DeploymentProgress { InProgress, Success, Failure, Inactive }

/// <summary>
/// GitHub Deployments through Octokit, every call through the feedback Polly pipeline. Octokit's GetAll cannot
/// filter by environment, sha or task, so the list goes through its connection with the API's query parameters.
/// </summary>
public sealed class GitHubDeployments(IGitHubClient client, string owner, string repository, ResiliencePipeline resilience)
{
    private const int DescriptionLimit = 140;

    public async Task<Deployment> CreateAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        var deployment = new NewDeployment(request.Ref)
        {
            Environment = request.Environment,
            Task = request.Task,
            ProductionEnvironment = request.Production,
            // The statuses were required before the merge; GitHub's own check would refuse (409) over any unrelated pending one.
            AutoMerge = false,
            RequiredContexts = new Collection<string>(),
            Description = Fit(request.Description),
            Payload = request.Payload.ToDictionary(p => p.Key, p => p.Value),
        };
        return await resilience.ExecuteAsync(async _ => await client.Repository.Deployment.Create(owner, repository, deployment), cancellationToken);
    }

    public async Task SetStateAsync(long deployment, DeploymentProgress progress, string description, string? environmentUrl, string? logUrl, CancellationToken cancellationToken)
    {
        var status = new NewDeploymentStatus(progress switch
        {
            DeploymentProgress.InProgress => DeploymentState.InProgress,
            DeploymentProgress.Success => DeploymentState.Success,
            DeploymentProgress.Failure => DeploymentState.Failure,
            _ => DeploymentState.Inactive,
        })
        {
            Description = Fit(description),
            EnvironmentUrl = environmentUrl,
            LogUrl = logUrl,
        };
        await resilience.ExecuteAsync(async _ => await client.Repository.Deployment.Status.Create(owner, repository, deployment, status), cancellationToken);
    }

    /// <summary>The environment's deployments, newest first, narrowed by commit and task when given.</summary>
    public async Task<IReadOnlyList<Deployment>> ListAsync(string environment, string? sha, string? task, CancellationToken cancellationToken, int pageSize = 30)
    {
        var parameters = new Dictionary<string, string> { ["environment"] = environment }; // per_page comes from the ApiOptions
        if (sha is not null) parameters["sha"] = sha;
        if (task is not null) parameters["task"] = task;
        var uri = new Uri($"repos/{owner}/{repository}/deployments", UriKind.Relative);
        var list = await resilience.ExecuteAsync(async _ =>
            await new ApiConnection(client.Connection).GetAll<Deployment>(uri, parameters, new ApiOptions { PageCount = 1, PageSize = pageSize }), cancellationToken);
        return [.. list.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)];
    }

    /// <summary>The deployment's latest status, or null when it has none.</summary>
    public async Task<DeploymentStatus?> LatestStatusAsync(long deployment, CancellationToken cancellationToken)
    {
        var statuses = await resilience.ExecuteAsync(async _ =>
            await client.Repository.Deployment.Status.GetAll(owner, repository, deployment, new ApiOptions { PageCount = 1, PageSize = 1 }), cancellationToken);
        return statuses.FirstOrDefault();
    }

    private static string Fit(string text) => text.Length > DescriptionLimit ? text[..(DescriptionLimit - 1)] + "…" : text;
}
