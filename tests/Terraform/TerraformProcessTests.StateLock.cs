using System.Diagnostics;
using System.Text.Json;
using BuildEngine;
using Tests.Feedback;

namespace Tests.Terraform;

public sealed partial class TerraformProcessTests
{
    [SkippableFact]
    public async Task A_lock_left_by_a_killed_apply_is_shown_noticed_and_released_only_with_its_ID_and_a_reason_then_the_next_apply_proceeds()
    {
        using var services = new FeedbackFixture();
        var feedback = services.Environment(commit: "c0ffee1", branch: "main", pullRequest: null, job: "TerraformApply-dev")
            .Where(e => e.Key.StartsWith("GITHUB", StringComparison.Ordinal) || e.Key.StartsWith("SLACK", StringComparison.Ordinal) || e.Key.StartsWith("CIRCLE_PROJECT", StringComparison.Ordinal))
            .Select(e => (e.Key, e.Value)).ToArray();
        var plan = await _repository.RunAsync(["TerraformPlan", "--skip"], Environment());
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);

        // A lost runner: the whole job, build and terraform, killed at once while terraform holds the lock.
        using (var apply = StartApply("setsid", sleepSeconds: 60)) // its own process group, killed whole below
        {
            var output = apply.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!await LockHeldAsync())
            {
                Assert.True(DateTime.UtcNow < deadline && !apply.HasExited, "the apply never took the state lock: " + (apply.HasExited ? await output : ""));
                await Task.Delay(200);
            }
            Process.Start("kill", ["-KILL", "--", $"-{apply.Id}"])!.WaitForExit();
            await apply.WaitForExitAsync();
            await output;
        }
        await Task.Delay(500);
        Assert.True(await LockHeldAsync(), "SIGKILL released the lock: the test proves nothing");

        var shown = await _repository.RunAsync(["StateLock", "--state-lock-format", "json"], Environment());
        Assert.True(shown.ExitCode == 0, shown.StandardOutput + shown.StandardError);
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repository.Root, ".nuke", "temp", "statelock", "dev.json")));
        Assert.True(state.RootElement.GetProperty("locked").GetBoolean());
        var held = Assert.Single(state.RootElement.GetProperty("locks").EnumerateArray());
        var lockId = held.GetProperty("id").GetString()!;
        Assert.Equal("apply", held.GetProperty("operation").GetString());
        Assert.Contains("@", held.GetProperty("who").GetString());
        Assert.Contains(lockId, shown.StandardOutput);

        var notice = await _repository.RunAsync(["StateLock", "--state-lock-notify"], Environment(feedback));
        Assert.True(notice.ExitCode == 0, notice.StandardOutput + notice.StandardError);
        Assert.Contains($"The state of dev is still locked after a failed or cancelled job: lock {lockId} (apply by", notice.StandardOutput);
        Assert.Contains($"unlock-environment=dev, unlock-lock-id={lockId}", notice.StandardOutput);
        Assert.Contains("curl -X POST https://circleci.com/api/v2/project/gh/acme/infra/pipeline", notice.StandardOutput);
        var commented = Assert.Single(services.GitHub.CommitComments);
        Assert.Equal("c0ffee1", commented.Sha);
        Assert.Contains(lockId, commented.Body);

        var wrongId = await _repository.RunAsync(["ForceUnlock", "--lock-id", Guid.NewGuid().ToString()], Environment());
        var tooYoung = await _repository.RunAsync(["ForceUnlock", "--lock-id", lockId], Environment());
        Assert.Equal(ExitCodes.TargetFailed, wrongId.ExitCode);
        Assert.Contains("is not the current lock of dev (that is " + lockId, wrongId.StandardOutput);
        Assert.Equal(ExitCodes.TargetFailed, tooYoung.ExitCode);
        Assert.Contains("younger than TerraformApply's limit of 1 h 0 min: it may still be running; wait, or give --force-unlock-reason", tooYoung.StandardOutput);
        Assert.True(await LockHeldAsync());

        var released = await _repository.RunAsync(["ForceUnlock", "--lock-id", lockId], Environment([.. feedback, ("FORCE_UNLOCK_REASON", "runner lost during the apply (job 1234)")]));
        Assert.True(released.ExitCode == 0, released.StandardOutput + released.StandardError);
        Assert.Contains($"released the state lock of dev: {lockId}", released.StandardOutput);
        Assert.False(await LockHeldAsync());
        Assert.Contains(services.GitHub.CommitComments, c => c.Body.Contains("Why: runner lost during the apply (job 1234)") && c.Body.Contains(lockId));
        Assert.Contains(services.Slack.Requests, r => r.Path.Contains("chat.postMessage") && r.Body.Contains("runner lost during the apply"));

        var unlocked = await _repository.RunAsync(["StateLock"], Environment());
        Assert.Contains("The state of dev is not locked.", unlocked.StandardOutput);
        foreach (var target in new[] { "TerraformPlan", "TerraformApply" })
        {
            var next = await _repository.RunAsync([target, "--skip"], Environment());
            Assert.True(next.ExitCode == 0, next.StandardOutput + next.StandardError);
        }
    }
}
