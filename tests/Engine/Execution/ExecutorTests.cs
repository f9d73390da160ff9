using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;
using static Tests.Engine.Planning.PlannerTests;

namespace Tests.Engine.Execution;

public sealed class ExecutorTests
{
    private sealed class Conditions : BuildBase
    {
        [Parameter] readonly bool Deploy;
        bool _built;
        void Mark(string name) => Output.Info("ran:" + name);

        public Target Prepare => _ => _.Executes(() => Mark(nameof(Prepare)));
        public Target Build => _ => _.DependsOn(Prepare).Executes(() => { _built = true; Mark(nameof(Build)); });
        public Target Ship => _ => _
            .DependsOn(Build)
            .OnlyWhenStatic(() => Deploy)
            .WhenSkipped(DependencyBehavior.Skip)
            .Executes(() => Mark(nameof(Ship)));
        public Target Verify => _ => _
            .DependsOn(Build)
            .OnlyWhenDynamic(() => !_built)
            .Executes(() => Mark(nameof(Verify)));
        public Target Everything => _ => _.DependsOn(Ship, Verify).Executes(() => Mark(nameof(Everything)));
    }

    [Fact]
    public async Task A_false_static_condition_skips_with_its_source_text_and_cascades_WhenSkipped()
    {
        var outcome = await TestRun.RunAsync<Conditions>(x => x.Ship, "Ship");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Empty(Ran(outcome));
        Expect.Matches(@"Ship\s+Skipped\s+condition false: Deploy", outcome.Output);
        Expect.Matches(@"Build\s+Skipped\s+dependency of skipped Ship", outcome.Output);
        Expect.Matches(@"Prepare\s+Skipped\s+dependency of skipped", outcome.Output);
    }

    [Fact]
    public async Task Cascade_stops_where_a_running_target_still_needs_the_dependency()
    {
        var outcome = await TestRun.RunAsync<Conditions>(x => x.Ship, "Everything");

        Assert.Equal(["Prepare", "Build", "Everything"], Ran(outcome));
        Expect.Matches(@"Verify\s+Skipped\s+condition false: !_built", outcome.Output);
    }

    [Fact]
    public async Task A_true_static_condition_runs_the_target()
    {
        var outcome = await TestRun.RunAsync<Conditions>(x => x.Ship, "Ship", "--deploy");

        Assert.Equal(["Prepare", "Build", "Ship"], Ran(outcome));
    }

    private sealed class Failures : BuildBase
    {
        void Mark(string name) => Output.Info("ran:" + name);

        public Target First => _ => _.Executes(() => Mark(nameof(First)));
        public Target Breaks => _ => _.DependsOn(First).Executes(() => throw new InvalidOperationException("disk full\nsecond line"));
        public Target Tolerated => _ => _.DependsOn(First).ProceedAfterFailure()
            .Executes(async () => { await Task.Yield(); throw new InvalidOperationException("flaky"); });
        public Target Independent => _ => _.DependsOn(First).After(Tolerated, Breaks).Executes(() => Mark(nameof(Independent)));
        public Target NeedsTolerated => _ => _.DependsOn(Tolerated).Executes(() => Mark(nameof(NeedsTolerated)));
        public Target Cleanup => _ => _.After(Breaks, Tolerated, Independent, NeedsTolerated).AssuredAfterFailure().Executes(() => Mark(nameof(Cleanup)));
        public Target Late => _ => _.After(Breaks, Cleanup).Executes(() => Mark(nameof(Late)));
    }

    [Fact]
    public async Task A_failure_stops_the_build_except_assured_targets()
    {
        var outcome = await TestRun.RunAsync<Failures>(x => x.Breaks, "Breaks", "Independent", "Cleanup", "Late");

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Equal(["First", "Cleanup"], Ran(outcome));
        Assert.Contains("Breaks failed: disk full", outcome.Output);
        Assert.DoesNotContain("second line", outcome.Output);
        Expect.Matches(@"Independent\s+NotRun\s+an earlier target failed", outcome.Output);
        Expect.Matches(@"Late\s+NotRun", outcome.Output);
        Assert.Contains("Build failed", outcome.Output);
    }

    [Fact]
    public async Task ProceedAfterFailure_lets_the_others_run_but_not_its_dependents()
    {
        var outcome = await TestRun.RunAsync<Failures>(x => x.Breaks, "Tolerated", "Independent", "NeedsTolerated");

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Equal(["First", "Independent"], Ran(outcome));
        Expect.Matches(@"NeedsTolerated\s+NotRun\s+dependency Tolerated did not succeed", outcome.Output);
        Expect.Matches(@"Tolerated\s+Failed\s+[\d.]+ s\s+flaky", outcome.Output);
    }

    [Fact]
    public async Task A_successful_run_exits_zero_and_the_failure_details_go_to_the_log()
    {
        using var root = new TempRoot();
        var ok = await TestRun.RunAsync<Failures>(root, x => x.First, []);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("Build succeeded", ok.Output);

        var failed = await TestRun.RunAsync<Failures>(root, x => x.Breaks, []);
        Assert.Contains("InvalidOperationException", failed.Log);
        Assert.DoesNotContain("   at ", failed.Output);
    }

    private sealed class Slow : BuildBase
    {
        public Target Wait => _ => _.Executes(async cancellationToken => await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        public Target After => _ => _.DependsOn(Wait).Executes(() => Output.Info("ran:After"));
    }

    [Fact]
    public async Task Cancellation_aborts_the_running_target_and_runs_nothing_more()
    {
        using var root = new TempRoot();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var outcome = await TestRun.RunAsync<Slow>(root, x => x.After, [], cancellationToken: cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, outcome.ExitCode);
        Expect.Matches(@"Wait\s+Aborted", outcome.Output);
        Expect.Matches(@"After\s+NotRun", outcome.Output);
    }

    private sealed class Requirements : BuildBase
    {
        [Parameter] readonly string? ApiKey;
        [Parameter] readonly int Replicas = 1;

        public Target Deploy => _ => _
            .Requires(() => ApiKey)
            .Requires(() => Replicas > 1)
            .Executes(() => Output.Info("ran:Deploy"));
    }

    [Fact]
    public async Task Unmet_requirements_fail_before_anything_runs()
    {
        var outcome = await TestRun.RunAsync<Requirements>(x => x.Deploy, "Deploy");

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Deploy requires parameter ApiKey (set --api-key or API_KEY)", outcome.Output);
        Assert.Contains("Deploy requires 'Replicas > 1'", outcome.Output);
        Assert.Empty(Ran(outcome));

        var met = await TestRun.RunAsync<Requirements>(x => x.Deploy, "--api-key", "k", "--replicas", "2");
        Assert.Equal(["Deploy"], Ran(met));
    }
}

public sealed class HandedFilesTests
{
    private sealed class Handing : BuildBase
    {
        [BuildEngine.Parameters.Parameter] readonly bool WriteIt = true;

        public Target Make => _ => _.Produces("out/made.txt").Executes(() =>
        {
            if (!WriteIt) return;
            Directory.CreateDirectory(RootDirectory / "out");
            File.WriteAllText(RootDirectory / "out" / "made.txt", "made");
        });

        public Target Use => _ => _.DependsOn(Make).Consumes(Make).Executes(() => Output.Info("ran:Use"));

        [BuildEngine.Parameters.Parameter] readonly string Folder = "dev";

        /// <summary>One folder per environment, like the plans: a '*' segment stands for any one of them.</summary>
        public Target MakeSome => _ => _.Produces("out/*/made.txt").Executes(() =>
        {
            if (!WriteIt) return;
            Directory.CreateDirectory(RootDirectory / "out" / Folder);
            File.WriteAllText(RootDirectory / "out" / Folder / "made.txt", "made");
        });

        public Target UseSome => _ => _.Consumes(MakeSome).Executes(() => Output.Info("ran:UseSome"));
    }

    [Fact]
    public async Task A_target_that_does_not_write_what_it_produces_fails()
    {
        var outcome = await TestRun.RunAsync<Handing>(x => x.Make, "Make", "--write-it", "false");

        Assert.Equal(ExitCodes.TargetFailed, outcome.ExitCode);
        Assert.Contains("Make failed: it declares Produces out/made.txt but did not write it", outcome.Output);
    }

    [Fact]
    public async Task A_target_runs_alone_only_when_what_it_consumes_is_there()
    {
        using var root = new TempRoot();
        var alone = await TestRun.RunAsync<Handing>(root, x => x.Use, ["Use", "--skip"]);
        Assert.Equal(ExitCodes.TargetFailed, alone.ExitCode);
        Assert.Contains("Use cannot run: it consumes out/made.txt from Make, which is missing: run Make first, or attach the workspace of the job that ran it.", alone.Output);
        Assert.DoesNotContain("ran:Use", alone.Output);

        Assert.Equal(0, (await TestRun.RunAsync<Handing>(root, x => x.Make, ["Make"])).ExitCode);
        var second = await TestRun.RunAsync<Handing>(root, x => x.Use, ["Use", "--skip"]);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("ran:Use", second.Output);
    }

    [Fact]
    public async Task A_star_segment_matches_any_one_folder_for_produced_and_consumed_files()
    {
        using var root = new TempRoot();
        var missing = await TestRun.RunAsync<Handing>(root, x => x.MakeSome, ["MakeSome", "--write-it", "false"]);
        var before = await TestRun.RunAsync<Handing>(root, x => x.UseSome, ["UseSome"]);
        Directory.CreateDirectory(root.Path / "out" / "made.txt"); // a folder named like the file matches no '*/made.txt' file
        var made = await TestRun.RunAsync<Handing>(root, x => x.MakeSome, ["MakeSome", "--folder", "staging"]);
        var after = await TestRun.RunAsync<Handing>(root, x => x.UseSome, ["UseSome"]);

        Assert.Contains("MakeSome failed: it declares Produces out/*/made.txt but did not write it", missing.Output);
        Assert.Contains("UseSome cannot run: it consumes out/*/made.txt from MakeSome", before.Output);
        Assert.Equal(0, made.ExitCode);
        Assert.Contains("ran:UseSome", after.Output);
    }
}
