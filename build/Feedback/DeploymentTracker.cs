using BuildEngine.Execution;
using Pipeline.Feedback.GitHub;

namespace Pipeline.Feedback;

/// <summary>What a run deploys, read when the apply starts: the task, the image and its commit, the reviewed plan.</summary>
public sealed record DeploymentFacts(string Task, bool Teardown, string? ImageId, string? ImageCommit, string PlanSha256);

/// <summary>The targets whose outcome moves a deployment: the apply, the configuration, the smoke test that verifies.</summary>
public sealed record DeploymentTargets(string Apply, string Configure, string Verify);

/// <summary>
/// A GitHub deployment per environment and run: created when the apply starts (<c>in_progress</c>), <c>success</c> only
/// once the smoke test verified the environment (with the site and the job), <c>failure</c> when the apply,
/// configuration or smoke test fails. A teardown marks the environment's deployments <c>inactive</c>; so does a new
/// production deployment its predecessor (GitHub's auto_inactive leaves production alone). Each job is its own
/// process, so later jobs find the run's deployment by commit and environment. A GitHub failure is a warning.
/// </summary>
public sealed class DeploymentTracker(
    GitHubDeployments deployments, DeploymentTargets targets, string environment, string commit, bool production, string? logUrl,
    Func<DeploymentFacts?> facts, Func<string?> environmentUrl, Func<string, string> mask, Action<string> info, Action<string> warn) : ITargetObserver
{
    private long? _deployment;
    private DeploymentFacts? _facts;

    public async Task TargetStartingAsync(string target, CancellationToken cancellationToken)
    {
        if (target != targets.Apply || (_facts = facts()) is not { Teardown: false } run)
            return;
        await Guard(async () =>
        {
            var description = run.Task == "rollback"
                ? $"Roll {environment} back to {run.ImageId ?? "its previous image"}" + (run.ImageCommit is null ? "" : $" built for commit {Short(run.ImageCommit)}")
                : $"Deploy {run.ImageId ?? "the verified image"} to {environment} (commit {Short(commit)})";
            var payload = new Dictionary<string, string> { ["plan_sha256"] = run.PlanSha256 };
            if (run.ImageId is not null) payload["ami"] = run.ImageId;
            if (run.ImageCommit is not null) payload["image_commit"] = run.ImageCommit;
            var created = await deployments.CreateAsync(new DeploymentRequest(commit, environment, run.Task, production, mask(description), payload), cancellationToken);
            _deployment = created.Id;
            await deployments.SetStateAsync(created.Id, DeploymentProgress.InProgress, "applying the reviewed plan", null, logUrl, cancellationToken);
            info($"GitHub deployment {created.Id} of {environment} ({run.Task}) is in progress.");
        });
    }

    public async Task TargetFinishedAsync(TargetResult result, CancellationToken cancellationToken)
    {
        var failed = result.Status is TargetStatus.Failed or TargetStatus.Aborted;
        if (result.Target == targets.Apply && result.Status == TargetStatus.Succeeded && _facts is { Teardown: true })
            await Guard(() => RetireAsync(except: null, "torn down", cancellationToken));
        else if (failed && _facts is not { Teardown: true } && (result.Target == targets.Apply || result.Target == targets.Configure || result.Target == targets.Verify))
            await Guard(async () => await SetAsync(DeploymentProgress.Failure, $"{result.Target} {(result.Status == TargetStatus.Aborted ? "was cancelled" : "failed")}", null, cancellationToken));
        else if (result.Target == targets.Verify && result.Status == TargetStatus.Succeeded)
            await Guard(async () =>
            {
                var id = await SetAsync(DeploymentProgress.Success, $"verified: serves commit {Short(commit)}", environmentUrl(), cancellationToken);
                if (id is not null && production)
                    await RetireAsync(except: id, "superseded", cancellationToken);
            });
    }

    private async Task<long?> SetAsync(DeploymentProgress progress, string description, string? url, CancellationToken cancellationToken)
    {
        var id = _deployment ?? (await deployments.ListAsync(environment, commit, task: null, cancellationToken, pageSize: 5)).FirstOrDefault()?.Id;
        if (id is null)
            return null;
        await deployments.SetStateAsync(id.Value, progress, mask(description), url, logUrl, cancellationToken);
        info($"GitHub deployment {id} of {environment}: {progress}.");
        return id;
    }

    /// <summary>Every other deployment of the environment that is still active becomes inactive.</summary>
    private async Task RetireAsync(long? except, string why, CancellationToken cancellationToken)
    {
        foreach (var deployment in await deployments.ListAsync(environment, sha: null, task: null, cancellationToken))
        {
            if (deployment.Id == except)
                continue;
            var latest = await deployments.LatestStatusAsync(deployment.Id, cancellationToken);
            if (latest?.State.StringValue is "inactive" or "failure" or "error")
                continue;
            await deployments.SetStateAsync(deployment.Id, DeploymentProgress.Inactive, why, null, logUrl, cancellationToken);
            info($"GitHub deployment {deployment.Id} of {environment} is inactive ({why}).");
        }
    }

    private async Task Guard(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            warn($"GitHub deployment update failed, continuing: {e.Message}");
        }
    }

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;
}
