using System.Text.Json;
using System.Text.Json.Nodes;
using BuildEngine;
using Tests.Peers;

namespace Tests.Terraform;

/// <summary>
/// Reviewed plans in S3 (moto), as CircleCI jobs hand them on: the plan job's workspace carries only plan.meta.json
/// and the masked summaries; the apply job, in another checkout, fetches the plan by its SHA-256 and applies it.
/// Real terraform on the test module; the state and the plans share the backend's bucket.
/// </summary>
public sealed class PlanStoreTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string AdminPassword = "Adm1n-Pa55word-from-tfvars";
    private readonly TerraformJobs _jobs = new(moto);

    public Task InitializeAsync() => _jobs.StartAsync();

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Plans in one job; returns the plan's SHA-256 and a new job holding only what the workspace carries.</summary>
    private async Task<(string Sha256, PipelineRun ApplyJob)> PlanAsync(Dictionary<string, string> environment)
    {
        var planJob = _jobs.Checkout();
        await TerraformJobs.Succeeds(planJob.RunAsync(["TerraformPlan", "--skip"], environment));
        var planned = planJob.Temp / "terraform" / "dev";
        Assert.False(File.Exists(planned / "plan.tfplan"), "the binary plan stayed on the job's disk");
        Assert.False(File.Exists(planned / "plan.json"), "the plan's JSON stayed on the job's disk");
        var applyJob = _jobs.Checkout();
        Directory.CreateDirectory(applyJob.Temp / "terraform" / "dev");
        File.Copy(planned / "plan.meta.json", applyJob.Temp / "terraform" / "dev" / "plan.meta.json");
        var meta = JsonNode.Parse(File.ReadAllText(planned / "plan.meta.json"))!;
        return ((string)meta["plan_sha256"]!, applyJob);
    }

    private static string PlanKey(string sha256, string extension = ".tfplan") => $"plans/gitops-demo/dev/c0ffee1/{sha256}{extension}";

    [SkippableFact]
    public async Task The_apply_job_fetches_exactly_the_reviewed_plan_from_S3_encrypted_with_the_key_asked_for()
    {
        var key = await moto.SeedAsync("kms-key");
        var environment = _jobs.Main("c0ffee1", ("PLAN_STORE_KMS_KEY", key));

        var (sha256, applyJob) = await PlanAsync(environment);
        var apply = await TerraformJobs.Succeeds(applyJob.RunAsync(["TerraformApply", "--skip"], environment));

        foreach (var extension in new[] { ".tfplan", ".json" })
        {
            using var stored = JsonDocument.Parse(await moto.SeedAsync("object", TestModule.StateBucket, PlanKey(sha256, extension)));
            Assert.Equal("aws:kms", stored.RootElement.GetProperty("Encryption").GetString());
            Assert.Contains(key, stored.RootElement.GetProperty("KmsKeyId").GetString());
            var metadata = stored.RootElement.GetProperty("Metadata");
            Assert.Equal("c0ffee1", metadata.GetProperty("commit").GetString());
            Assert.Equal("dev", metadata.GetProperty("environment").GetString());
            Assert.Equal(sha256, metadata.GetProperty("plan-sha256").GetString());
        }
        Assert.Contains($"Fetched the reviewed plan s3://{TestModule.StateBucket}/{PlanKey(sha256)}", apply.Output);
        Assert.Contains("Apply complete! Resources: 4 added", apply.Output);
        Assert.DoesNotContain(AdminPassword, apply.Output + apply.Log);
        var applied = applyJob.Temp / "terraform" / "dev";
        Assert.True(File.Exists(applied / "outputs.json"));
        Assert.False(File.Exists(applied / "plan.tfplan"), "the fetched plan stayed where the apply job's workspace would carry it");
        Assert.False(File.Exists(applied / "plan.json"));
    }

    [SkippableFact]
    public async Task A_stored_plan_replaced_with_other_bytes_is_refused_naming_the_hash_and_nothing_is_applied()
    {
        var environment = _jobs.Main("c0ffee1");
        var (sha256, applyJob) = await PlanAsync(environment);
        await moto.SeedAsync("append-object", TestModule.StateBucket, PlanKey(sha256), "tampered");

        var apply = await applyJob.RunAsync(["TerraformApply", "--skip"], environment);

        Assert.Equal(ExitCodes.TargetFailed, apply.ExitCode);
        Assert.Contains($"TerraformApply refused: plan.tfplan has SHA-256", apply.Output);
        Assert.Contains($"the reviewed plan had {sha256[..12]}…", apply.Output);
        Assert.DoesNotContain("> terraform apply", apply.Output);
        Assert.DoesNotContain(AdminPassword, apply.Output);
    }

    [SkippableFact]
    public async Task A_plan_older_than_the_limit_is_refused_with_the_trigger_that_plans_again_and_nothing_is_fetched_or_applied()
    {
        var environment = _jobs.Main("c0ffee1");
        var (_, applyJob) = await PlanAsync(environment);
        var metaFile = applyJob.Temp / "terraform" / "dev" / "plan.meta.json";
        var meta = JsonNode.Parse(File.ReadAllText(metaFile))!;
        meta["created_at"] = DateTimeOffset.UtcNow.AddHours(-200).ToString("O");
        File.WriteAllText(metaFile, meta.ToJsonString());

        var old = await applyJob.RunAsync(["TerraformApply", "--skip"], environment);
        meta["created_at"] = DateTimeOffset.UtcNow.AddHours(-2).ToString("O");
        File.WriteAllText(metaFile, meta.ToJsonString());
        var overShorterLimit = await applyJob.RunAsync(["TerraformApply", "--skip", "--max-plan-age-hours", "1"], environment);

        Assert.Equal(ExitCodes.TargetFailed, old.ExitCode);
        Assert.Contains("the reviewed plan for dev was made 8 d 8 h ago, more than --max-plan-age-hours 168; plan again: trigger a new pipeline on main", old.Output);
        Assert.Equal(ExitCodes.TargetFailed, overShorterLimit.ExitCode);
        Assert.Contains("more than --max-plan-age-hours 1;", overShorterLimit.Output);
        foreach (var refused in new[] { old, overShorterLimit })
        {
            Assert.DoesNotContain("Fetched the reviewed plan", refused.Output);
            Assert.DoesNotContain("> terraform apply", refused.Output);
        }
    }
}
