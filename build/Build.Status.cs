using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Aws;
using Pipeline.Feedback;
using Pipeline.Status;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>"What runs where, and what would a rollback choose?": one row per environment, each source optional.</summary>
partial class Build
{
    [Parameter("Status output: table, md (a comment, a job summary) or json (scripts); also written to .nuke/temp/status/"), Pattern("^(table|md|json)$", "table, md or json")]
    readonly string StatusFormat = "table";

    AbsolutePath StatusDirectory => TemporaryDirectory / "status";

    /// <summary>The environments that have a profile (.nuke/parameters.&lt;env&gt;.json), in promotion order first.</summary>
    IReadOnlyList<string> ProfiledEnvironments()
    {
        var profiles = Directory.GetFiles(RootDirectory / ".nuke", "parameters.*.json")
            .Select(f => Path.GetFileName(f)["parameters.".Length..^".json".Length]).ToHashSet(StringComparer.Ordinal);
        return [.. Environments.Where(profiles.Contains), .. profiles.Where(p => !Environments.Contains(p)).Order(StringComparer.Ordinal)];
    }

    async Task ShowStatusAsync(CancellationToken cancellationToken)
    {
        var rows = new List<StatusRow>();
        foreach (var environment in ProfiledEnvironments())
            rows.Add(await StatusOfAsync(environment, cancellationToken));
        var report = Secrets.Apply(StatusReport.Format(rows, StatusFormat));
        var extension = StatusFormat switch { "md" => "md", "json" => "json", _ => "txt" };
        AtomicFile.WriteAllText(StatusDirectory / $"status.{extension}", report);
        foreach (var line in report.TrimEnd().Split('\n'))
            Output.Info(line);
        Summaries.Set(nameof(Status), $"{rows.Count} environments; {rows.Count(r => r.LiveImage.Unavailable is null && r.LiveImage.Value != "—")} with a verified image");
    }

    async Task<StatusRow> StatusOfAsync(string environment, CancellationToken cancellationToken)
    {
        StatusCell live, verified, rollback;
        try
        {
            using var ssm = AwsSettings.CreateSsmClient();
            var history = await new ImageParameterStore(ssm, AwsRetries).HistoryAsync(ImageParameterStore.ParameterName(ProjectName, environment), cancellationToken);
            live = history.FirstOrDefault() is { } current ? new(current.ImageId) : StatusCell.None;
            verified = history.FirstOrDefault() is { } v ? new($"{v.Commit ?? "?"} at {v.VerifiedAt?.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : StatusCell.None;
            rollback = VerifiedImage.RollbackCandidate(history) is { } previous ? new($"{previous.ImageId} ({previous.Commit ?? "?"})") : StatusCell.None;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            live = verified = rollback = StatusCell.Failed("AWS", e);
        }
        var (deployment, drift) = await GitHubStatusAsync(environment, cancellationToken);
        return new StatusRow(environment, live, verified, rollback, deployment, drift, await LockStatusAsync(environment, cancellationToken));
    }

    async Task<(StatusCell Deployment, StatusCell Drift)> GitHubStatusAsync(string environment, CancellationToken cancellationToken)
    {
        if (GitHub is not { } github)
            return (new(null, Unavailable: "GitHub not configured"), new(null, Unavailable: "GitHub not configured"));
        StatusCell deployment, drift;
        try
        {
            var latest = (await github.Deployments.ListAsync(environment, sha: null, task: null, cancellationToken, pageSize: 1)).FirstOrDefault();
            var state = latest is null ? null : await github.Deployments.LatestStatusAsync(latest.Id, cancellationToken);
            deployment = latest is null ? StatusCell.None
                : new($"{state?.State.StringValue ?? "created"}: {latest.Task} {latest.Sha[..Math.Min(7, latest.Sha.Length)]} ({latest.CreatedAt:yyyy-MM-dd HH:mm} UTC)", state?.EnvironmentUrl);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            deployment = StatusCell.Failed("GitHub", e);
        }
        try
        {
            var issue = await github.FindOpenIssueAsync(DriftTracker.Marker(environment), DriftTracker.Label, cancellationToken);
            drift = issue is null ? new("none open") : new($"#{issue.Number} since {issue.CreatedAt:yyyy-MM-dd}", issue.HtmlUrl);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            drift = StatusCell.Failed("GitHub", e);
        }
        return (deployment, drift);
    }

    async Task<StatusCell> LockStatusAsync(string environment, CancellationToken cancellationToken)
    {
        try
        {
            var backend = BackendConfig.Read(InfraDirectory / "environments" / $"{environment}.s3.tfbackend");
            var locks = await ReadStateLocksAsync(backend, cancellationToken);
            return locks.FirstOrDefault() is { } held
                ? new($"locked {held.Id} ({held.OperationName} by {held.Who}, {StateLockInfo.Age(held.AgeAt(DateTimeOffset.UtcNow))})")
                : new("not locked");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return StatusCell.Failed("state lock", e);
        }
    }
}
