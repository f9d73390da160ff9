using BuildEngine.CircleCi;
using BuildEngine.Definition;

namespace Tests.CircleCi;

/// <summary>Dynamic configuration: the committed file is a setup config, one job that continues the pipeline.</summary>
public sealed partial class CircleCiConfigTests
{
    private sealed class SmallDynamic : Small
    {
        public Target Continue => _ => _.Description("Generate and continue").Executes(() => { });

        protected override CircleCiPipeline CircleCi => base.CircleCi with { Dynamic = true, ContinueTarget = nameof(Continue) };
    }

    [Fact]
    public async Task A_small_dynamic_build_generates_the_golden_setup_config()
    {
        var generated = await GenerateAsync<SmallDynamic>();
        var golden = Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "CircleCi", "Golden", "small-build-setup.yml");
        if (System.Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            File.WriteAllText(golden, generated);

        Assert.Equal(File.ReadAllText(golden), generated);
        AssertValidAgainstSchema(generated);
        var config = YamlJson.Convert(generated)!.AsObject();
        Assert.True((bool)config["setup"]!);
        Assert.Equal(["Continue"], config["jobs"]!.AsObject().Select(j => j.Key));
        Assert.Equal(["setup"], config["workflows"]!.AsObject().Select(w => w.Key));
        Assert.Contains("# Schedule trigger to create in CircleCI (Project Settings > Triggers): name nightly, branch main, cron 0 3 * * * (UTC), no parameters.", generated);
    }
}
