using Tests.Feedback;
using Tests.Peers;

namespace Tests.Verification;

/// <summary>The deploy workflow stopped by dev's SmokeTest (see <see cref="PromotionSimulation"/>).</summary>
public sealed class SmokeTestStopsPromotionTests(MotoServer moto, SimulatedRepository repository)
    : PromotionSimulation(moto, repository), IClassFixture<MotoServer>, IClassFixture<SimulatedRepository>
{
    [SkippableFact]
    public async Task A_site_serving_an_old_commit_stops_the_chain_at_dev_and_dev_keeps_its_previous_image()
    {
        await Moto.SeedAsync("put-parameter", "/gitops-demo/dev/ami-id", "ami-0previous00000001");
        Served = "0ldc0mm1t0ldc0mm1t";

        var outcomes = await RunDeployWorkflowAsync();

        Assert.Equal("failed", outcomes.Single(o => o.Name == "SmokeTest-dev").Status);
        Assert.Contains($"SmokeTest failed: GET {Site!.Url}/version.txt: status 200 serving commit '0ldc0mm1t0ldc0mm1t'", Runs["SmokeTest-dev"].Output);
        foreach (var later in outcomes.Where(o => o.Name.EndsWith("-staging") || o.Name.EndsWith("-prod")))
            Assert.Equal("not run", later.Status);
        Assert.DoesNotContain(Runs.Keys, k => k.Contains("staging") || k.Contains("prod"));
        Assert.Equal("ami-0previous00000001", (await VerifiedImageAsync("dev"))!.Value.GetProperty("Value").GetString());
        Assert.Null(await VerifiedImageAsync("staging"));
        Assert.Equal(["in_progress", "failure"], Assert.Single(GitHub.DeploymentsOf("dev")).States);
        Assert.Empty(GitHub.DeploymentsOf("staging"));
        Assert.Empty(GitHub.DeploymentsOf("prod"));
    }
}
