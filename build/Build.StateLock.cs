using System.Text.Json;
using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Aws;
using Pipeline.Feedback;
using Pipeline.Terraform;

namespace Pipeline;

/// <summary>The state's lock: shown from the backend, released through the pipeline with a check, an approval and an announcement.</summary>
partial class Build
{
    [Parameter("StateLock output: text, or json (also written to .nuke/temp/statelock/<env>.json)"), Pattern("^(text|json)$", "text or json")] readonly string StateLockFormat = "text";
    [Parameter("StateLock: when the state is locked, say so in the run's Slack thread and on the commit (the job after a failed apply)")] readonly bool StateLockNotify;
    [Parameter("ForceUnlock: the ID of the lock to release, as StateLock shows it"), LockId] readonly string? LockId;
    [Parameter("ForceUnlock: why a lock younger than the longest locking target's limit is released anyway (announced)"), Reason] readonly string? ForceUnlockReason;

    static readonly string[] LockingTargets = [nameof(TerraformPlan), nameof(TerraformApply), nameof(TerraformDestroy), nameof(DriftCheck)];

    /// <summary>A lock younger than this may belong to a target still running: the longest MaxDuration of those that lock.</summary>
    (TimeSpan Limit, string Target) LongestLockingRun => LockingTargets
        .Select(t => (Limit: Graph[t].MaxDuration ?? TimeSpan.FromHours(1), Target: t)).MaxBy(t => t.Limit);

    AbsolutePath StateLockFile => TemporaryDirectory / "statelock" / $"{DeployEnvironment}.json";

    async Task<IReadOnlyList<StateLockInfo>> ReadStateLocksAsync(BackendConfig backend, CancellationToken cancellationToken)
    {
        var aws = AwsSettings;
        aws.ResolveCredentials();
        var reader = new StateLockReader(aws.CreateS3Client(), backend.DynamoDbTable is null ? null : aws.CreateDynamoDbClient(), AwsRetries);
        return await reader.ReadAsync(backend, cancellationToken);
    }

    async Task ShowStateLockAsync(CancellationToken cancellationToken)
    {
        var locks = await ReadStateLocksAsync(Backend, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var json = JsonSerializer.Serialize(new
        {
            environment = DeployEnvironment,
            locked = locks.Count > 0,
            locks = locks.Select(l => new { id = l.Id, operation = l.OperationName, operation_type = l.Operation, who = l.Who, created = l.Created, age_seconds = (long)l.AgeAt(now).TotalSeconds, version = l.Version, where = l.Where }),
        });
        AtomicFile.WriteAllText(StateLockFile, json + "\n");
        if (StateLockFormat == "json")
            Output.Info(json);
        if (locks.Count == 0)
        {
            if (StateLockFormat == "text") Output.Success($"The state of {DeployEnvironment} is not locked.");
            Summaries.Set(nameof(StateLock), "not locked");
            return;
        }
        var held = locks[0];
        if (StateLockFormat == "text")
            foreach (var info in locks)
                Output.Info($"Locked ({info.Where}): ID {info.Id}, {info.OperationName} ({info.Operation}) by {info.Who}, since {info.Created:yyyy-MM-dd HH:mm:ss} UTC ({StateLockInfo.Age(info.AgeAt(now))}), Terraform {info.Version}");
        Summaries.Set(nameof(StateLock), $"locked: {held.Id} ({held.OperationName} by {held.Who}, {StateLockInfo.Age(held.AgeAt(now))})");
        if (StateLockNotify)
            await NoticeLeftLockAsync(held, now, cancellationToken);
    }

    /// <summary>After a failed or cancelled apply: which lock is left, whose it may be, and the trigger that releases it.</summary>
    async Task NoticeLeftLockAsync(StateLockInfo held, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var age = StateLockInfo.Age(held.AgeAt(now));
        var slug = Repository is { } repository ? $"gh/{repository.Owner}/{repository.Name}" : "<vcs>/<org>/<repo>";
        var body = JsonSerializer.Serialize(new { branch = MainBranch, parameters = new Dictionary<string, string>
        {
            ["unlock-environment"] = DeployEnvironment, ["unlock-lock-id"] = held.Id, ["unlock-reason"] = "<why>",
        } });
        var release = $"trigger a pipeline on {MainBranch} with unlock-environment={DeployEnvironment}, unlock-lock-id={held.Id} and unlock-reason=\"<why>\" " +
                      $"(curl -X POST https://circleci.com/api/v2/project/{slug}/pipeline -H \"Circle-Token: $CIRCLE_TOKEN\" -H 'Content-Type: application/json' -d '{body}'), then approve it";
        var text = $"The state of {DeployEnvironment} is still locked after a failed or cancelled job: lock {held.Id} ({held.OperationName} by {held.Who}, taken {age} ago). " +
                   "Terraform's lock does not name the CircleCI job: if it is older than the failed job, it may be another run's. " +
                   $"To release it: {release}.";
        Output.Warning(text);
        await LockAnnouncer.AnnounceAsync($":lock: {Feedback.Slack.SlackMessages.Escape(text)}", text, inRunThread: true, cancellationToken);
    }

    async Task ReleaseStateLockAsync(CancellationToken cancellationToken)
    {
        var backend = Backend;
        var locks = await ReadStateLocksAsync(backend, cancellationToken);
        if (locks.Count == 0)
            throw new InvalidOperationException($"ForceUnlock refused: the state of {DeployEnvironment} is not locked; nothing to release.");
        if (locks.FirstOrDefault(l => l.Id == LockId) is not { } held)
            throw new InvalidOperationException($"ForceUnlock refused: {LockId} is not the current lock of {DeployEnvironment} (that is {string.Join(", ", locks.Select(l => l.Id).Distinct())}); run StateLock to see it.");
        var now = DateTimeOffset.UtcNow;
        var (limit, longest) = LongestLockingRun;
        var hasReason = ForceUnlockReason is { Length: > 0 };
        if (held.AgeAt(now) < limit && !hasReason)
            throw new InvalidOperationException($"ForceUnlock refused: lock {held.Id} ({held.OperationName} by {held.Who}) is {StateLockInfo.Age(held.AgeAt(now))} old, " +
                $"younger than {longest}'s limit of {StateLockInfo.Age(limit)}: it may still be running; wait, or give --force-unlock-reason \"<why>\".");
        await CheckTerraformVersionAsync(cancellationToken);
        await InitForEnvironmentAsync(cancellationToken);
        await Terraform.ForceUnlockAsync(held.Id, cancellationToken);
        if ((await ReadStateLocksAsync(backend, cancellationToken)).Any(l => l.Id == held.Id))
            throw new InvalidOperationException($"ForceUnlock: terraform force-unlock ended, but lock {held.Id} of {DeployEnvironment} is still held.");
        var who = EnvironmentVariables.GetValueOrDefault("CIRCLE_USERNAME") ?? EnvironmentVariables.GetValueOrDefault("USER") ?? "someone";
        var why = hasReason ? ForceUnlockReason! : $"older than {longest}'s limit of {StateLockInfo.Age(limit)}";
        var text = $"{who} released the state lock of {DeployEnvironment}: {held.Id} ({held.OperationName} by {held.Who}, taken {StateLockInfo.Age(held.AgeAt(now))} ago). Why: {why}.";
        Output.Success(text);
        Summaries.Set(nameof(ForceUnlock), $"released {held.Id}");
        await LockAnnouncer.AnnounceAsync($":unlock: {Feedback.Slack.SlackMessages.Escape(text)}", text, inRunThread: false, cancellationToken);
    }

    LockAnnouncer LockAnnouncer => new(FeedbackRun, GitHub, Slack, SlackChannel, RunEarliestStartAsync, Secrets.Apply, m => Output.Info(m), m => Output.Warning(m));
}
