using Tests.Feedback;
using Tests.Peers;

namespace Tests.Verification;

/// <summary>The deploy workflow of one commit, dev → staging → prod (see <see cref="PromotionSimulation"/>).</summary>
public sealed class PromotionSimulationTests(MotoServer moto, SimulatedRepository repository)
    : PromotionSimulation(moto, repository), IClassFixture<MotoServer>, IClassFixture<SimulatedRepository>
{
    [SkippableFact]
    public async Task One_image_is_baked_and_promoted_through_dev_staging_and_prod_each_verified_before_the_next()
    {
        var outcomes = await RunDeployWorkflowAsync();

        var notices = outcomes.Where(o => o.Name.StartsWith("StateLock-after-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, notices.Count); // one per apply, run only when it failed or was cancelled
        // The jobs first: a failed one is shown with its output, the notice that then ran says less.
        Assert.All(outcomes.Except(notices), o => Assert.True(o.Status is "succeeded" or "approved", $"{o.Name} {o.Status}:\n{(Runs.TryGetValue(o.Name, out var r) ? r.Output : "")}"));
        Assert.All(notices, o => Assert.Equal("not run", o.Status));
        Assert.Single(outcomes, o => o.Name.StartsWith("PackerBuild", StringComparison.Ordinal));
        Assert.Single(File.ReadAllLines(Path.Combine(Scratch, "packer.log")), l => l.StartsWith("build"));
        var order = outcomes.Select(o => o.Name).ToList();
        Assert.True(order.IndexOf("SmokeTest-dev") < order.IndexOf("TerraformPlan-staging"));
        Assert.True(order.IndexOf("SmokeTest-staging") < order.IndexOf("TerraformPlan-prod"));
        Assert.DoesNotContain("approve-TerraformApply-dev", order);
        Assert.True(order.IndexOf("PolicyCheck-prod") < order.IndexOf("approve-TerraformApply-prod"));
        Assert.True(order.IndexOf("DriftCheck-dev") < order.IndexOf("TerraformPlan-staging"));
        Assert.Contains("approve-TerraformApply-prod", order);
        foreach (var environment in new[] { "dev", "staging", "prod" })
        {
            Assert.Contains($"Deploying {Baked} (built for commit {Commit})", Runs[$"TerraformPlan-{environment}"].Output);
            Assert.Contains($"{Baked} is verified and live in {environment}", Runs[$"SmokeTest-{environment}"].Output);
            Assert.Contains("policy passed: 4 rules", Runs[$"PolicyCheck-{environment}"].Output);
            Assert.DoesNotContain("waived", Runs[$"PolicyCheck-{environment}"].Output);
            Assert.Contains("No drift", Runs[$"DriftCheck-{environment}"].Output);
            var deployment = Assert.Single(GitHub.DeploymentsOf(environment));
            Assert.Equal((Commit, "deploy", environment == "prod"), (deployment.Sha, deployment.Task, deployment.Production));
            Assert.Equal(Baked, (string?)deployment.Payload["ami"]);
            Assert.Equal(64, ((string?)deployment.Payload["plan_sha256"])?.Length);
            Assert.False((bool)deployment.Request["auto_merge"]!);
            Assert.Empty(deployment.Request["required_contexts"]!.AsArray());
            Assert.Equal(["in_progress", "success"], deployment.States);
            var success = deployment.Statuses.Last();
            Assert.Equal(Site!.Url + "/", success.EnvironmentUrl);
            Assert.Equal("https://circleci.com/gh/acme/infra/42", success.LogUrl);
            var verified = (await VerifiedImageAsync(environment))!.Value;
            Assert.Equal(Baked, verified.GetProperty("Value").GetString());
            Assert.Contains($"commit {Commit}", verified.GetProperty("Description").GetString());
        }
    }
}
