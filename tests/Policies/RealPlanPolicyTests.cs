using BuildEngine;
using Tests.Peers;
using Tests.Terraform;

namespace Tests.Policies;

/// <summary>
/// PolicyCheck on plans from the real Terraform: the test module is made of terraform_data (no AWS provider
/// offline), which no rule looks at, so the check fails closed until a reviewed waiver of policy-coverage says why.
/// </summary>
public sealed class RealPlanPolicyTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly TerraformJobs _jobs = new(moto);

    public Task InitializeAsync() => _jobs.StartAsync();

    public Task DisposeAsync()
    {
        _jobs.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task A_real_plan_that_no_rule_looks_at_fails_closed_until_a_reviewed_coverage_waiver_says_why()
    {
        var job = _jobs.Checkout();
        await TerraformJobs.Succeeds(job.RunAsync(["TerraformPlan", "--skip"], _jobs.Main("c0ffee1")));

        var closed = await job.RunAsync(["PolicyCheck", "--skip"], _jobs.Main("c0ffee1"));
        var refused = await job.RunAsync(["TerraformApply", "--skip"], _jobs.Main("c0ffee1"));
        File.WriteAllText(job.Root / "policy-waivers.json", """
            { "waivers": [ { "rule": "policy-coverage", "address": "*", "reason": "only terraform_data until the AWS modules land", "expires": "2099-12-31" } ] }
            """);
        var waived = await job.RunAsync(["PolicyCheck", "--skip"], _jobs.Main("c0ffee1"));
        var applied = await job.RunAsync(["TerraformApply", "--skip"], _jobs.Main("c0ffee1"));

        Assert.Equal(ExitCodes.TargetFailed, closed.ExitCode);
        Assert.Contains("policy violation: policy-coverage *: no policy evaluated anything: the plan creates or changes 4 resources (terraform_data.", closed.Output);
        Assert.Equal(ExitCodes.TargetFailed, refused.ExitCode);
        Assert.Contains("TerraformApply refused: PolicyCheck failed on this plan", refused.Output);
        Assert.True(waived.ExitCode == 0, waived.Output);
        Assert.Contains("waived: policy-coverage *: no policy evaluated anything", waived.Output);
        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.Contains("Apply complete! Resources: 4 added", applied.Output);
    }
}
