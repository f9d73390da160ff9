using System.Text.Json;
using BuildEngine;

namespace Tests.CircleCi;

/// <summary>The generated config's operational parts: how AWS is reached, the lock's notice and unlock workflows, the nightly status.</summary>
public sealed partial class CircleCiConfigTests
{
    [Fact]
    public async Task OIDC_is_the_default_and_choosing_keys_in_the_parameters_file_regenerates_the_header_with_keys()
    {
        Assert.Contains("#   AWS_ROLE_ARN: plain variable, set in context aws-plan (read-only) / aws-drift / aws-image / aws-deploy-<env>", Committed);
        Assert.DoesNotContain("AWS_ACCESS_KEY_ID", Committed);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", Committed);
        using var run = new PipelineRun(".circleci", ".nuke", Path.Combine("build", "Properties"));
        var parameters = run.Root / ".nuke" / "parameters.json";
        File.WriteAllText(parameters, File.ReadAllText(parameters).Replace("\"CircleCiAwsCredentials\": \"oidc\"", "\"CircleCiAwsCredentials\": \"keys\""));

        var outcome = await run.RunAsync(["--plan"]);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var regenerated = File.ReadAllText(run.Root / ".circleci" / "config.yml");
        Assert.Contains("#   AWS_ACCESS_KEY_ID: secret for --aws-access-key-id, set in context aws-plan (read-only)", regenerated);
        Assert.Contains("#   AWS_SECRET_ACCESS_KEY: secret for --aws-secret-access-key", regenerated);
        Assert.DoesNotContain("AWS_ROLE_ARN", regenerated);
        Assert.DoesNotContain("CIRCLE_OIDC_TOKEN_V2", regenerated);
        AssertValidAgainstSchema(regenerated);

        File.WriteAllText(parameters, File.ReadAllText(parameters).Replace("\"keys\"", "\"sso\""));
        var refused = await run.RunAsync(["--plan"]);
        Assert.Equal(ExitCodes.UsageError, refused.ExitCode);
        Assert.Contains("oidc or keys", refused.Output);
    }

    [Fact]
    public void A_lock_left_by_a_failed_apply_is_noticed_and_released_through_an_approved_unlock_workflow()
    {
        using var document = JsonDocument.Parse(YamlJson.Convert(Committed)!.ToJsonString());
        var root = document.RootElement;
        foreach (var name in new[] { "unlock-environment", "unlock-lock-id", "unlock-reason" })
            Assert.Equal("", root.GetProperty("parameters").GetProperty(name).GetProperty("default").GetString());
        var forceUnlock = root.GetProperty("jobs").GetProperty("ForceUnlock");
        Assert.Equal("<< pipeline.parameters.unlock-lock-id >>", forceUnlock.GetProperty("environment").GetProperty("LOCK_ID").GetString());
        Assert.Equal("<< pipeline.parameters.unlock-reason >>", forceUnlock.GetProperty("environment").GetProperty("FORCE_UNLOCK_REASON").GetString());
        Assert.DoesNotContain("pipeline.parameters.unlock-reason >> ", Committed); // never spliced into a command line
        Assert.Contains("./build.sh StateLock --skip --profile << parameters.profile >> --state-lock-notify", Committed);

        foreach (var environment in new[] { "dev", "staging", "prod" })
        {
            var unlock = WorkflowJobs(document, $"unlock-{environment}");
            Assert.Equal([("main", "<< pipeline.git.branch >>"), (environment, "<< pipeline.parameters.unlock-environment >>")], WhenEquals(root, $"unlock-{environment}"));
            Assert.Equal([$"approve-ForceUnlock-{environment}"], Requires(unlock[$"ForceUnlock-{environment}"]));
            Assert.Contains($"aws-deploy-{environment}", unlock[$"ForceUnlock-{environment}"].GetProperty("context").EnumerateArray().Select(c => c.GetString()));

            foreach (var (workflow, watched) in new[] { ("deploy", "TerraformApply"), ($"rollback-{environment}", "TerraformApply"), ($"teardown-{environment}", "TerraformApply"), ($"teardown-{environment}", "TerraformDestroy") })
            {
                var notice = WorkflowJobs(document, workflow)[$"StateLock-after-{watched}-{environment}"];
                var requirement = Assert.Single(notice.GetProperty("requires").EnumerateArray()).EnumerateObject().Single();
                Assert.Equal($"{watched}-{environment}", requirement.Name);
                Assert.Equal(["failed", "canceled"], requirement.Value.EnumerateArray().Select(s => s.GetString()));
                Assert.Equal(environment, notice.GetProperty("profile").GetString());
            }
        }
    }

    [Fact]
    public void The_nightly_workflow_keeps_the_Status_table_in_Markdown_as_an_artifact_of_its_own_job()
    {
        using var document = Processed();
        var nightly = WorkflowJobs(document, "nightly-drift");
        Assert.Empty(Requires(nightly["Status"]));
        var steps = document.RootElement.GetProperty("jobs").GetProperty("Status").GetProperty("steps").EnumerateArray().Select(s => s.ToString()).ToList();
        Assert.Contains(steps, s => s.Contains("./build.sh Status --skip --status-format md"));
        Assert.Contains(steps, s => s.Contains("store_artifacts") && s.Contains(".nuke/temp/status/status.md"));
        Assert.Single(Committed.Split('\n'), l => l.Contains(".nuke/temp/status/status.md"));
    }

    [Fact]
    public void No_job_persists_or_stores_a_binary_plan_or_its_JSON()
    {
        using var document = Processed();
        var persisted = document.RootElement.GetProperty("jobs").EnumerateObject()
            .SelectMany(job => job.Value.GetProperty("steps").EnumerateArray())
            .Where(step => step.ValueKind == JsonValueKind.Object && (step.TryGetProperty("persist_to_workspace", out _) || step.TryGetProperty("store_artifacts", out _)))
            .Select(step => step.ToString()).ToList();
        Assert.Contains(persisted, p => p.Contains(".nuke/temp/terraform/*/plan.meta.json"));
        Assert.DoesNotContain(persisted, p => p.Contains("\".nuke/temp/terraform/\"") || p.Contains("tfplan") || p.Contains("plan.json"));
    }
}
