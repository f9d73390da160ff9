using BuildEngine;
using BuildEngine.Definition;

namespace Tests.Engine.Planning;

public sealed class PlannerTests
{
    private sealed class Diamond : BuildBase
    {
        void Mark(string name) => Output.Info("ran:" + name);

        public Target Restore => _ => _.Executes(() => Mark(nameof(Restore)));
        public Target Compile => _ => _.DependsOn(Restore).Executes(() => Mark(nameof(Compile)));
        public Target Lint => _ => _.DependsOn(Restore).Executes(() => Mark(nameof(Lint)));
        public Target Test => _ => _.DependsOn(Compile, Lint).Executes(() => Mark(nameof(Test)));
        public Target Clean => _ => _.Before(Restore).Executes(() => Mark(nameof(Clean)));
        public Target Report => _ => _.After(Test).Executes(() => Mark(nameof(Report)));
        public Target Publish => _ => _.DependsOn(Test).Triggers(Notify).Executes(() => Mark(nameof(Publish)));
        public Target Notify => _ => _.Executes(() => Mark(nameof(Notify)));
        public Target Package => _ => _.DependentFor(Publish).Executes(() => Mark(nameof(Package)));
        public Target Audit => _ => _.TriggeredBy(Compile).Executes(() => Mark(nameof(Audit)));
    }

    internal static IReadOnlyList<string> Ran(RunOutcome outcome) =>
        [.. outcome.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("ran:")).Select(l => l[4..])];

    [Fact]
    public async Task Dependencies_run_first_in_declaration_order()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "Test");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(["Restore", "Compile", "Lint", "Test", "Audit"], Ran(outcome));
    }

    [Fact]
    public async Task After_and_Before_order_but_never_pull_a_target_in()
    {
        var alone = await TestRun.RunAsync<Diamond>(x => x.Test, "Restore");
        Assert.Equal(["Restore"], Ran(alone));

        var both = await TestRun.RunAsync<Diamond>(x => x.Test, "Report", "Clean", "Test");
        var ran = Ran(both);
        Assert.True(ran.ToList().IndexOf("Clean") < ran.ToList().IndexOf("Restore"));
        Assert.True(ran.ToList().IndexOf("Report") > ran.ToList().IndexOf("Test"));
    }

    [Fact]
    public async Task Triggers_and_DependentFor_pull_targets_in()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "Publish");

        var ran = Ran(outcome).ToList();
        Assert.Contains("Package", ran);
        Assert.True(ran.IndexOf("Package") < ran.IndexOf("Publish"));
        Assert.True(ran.IndexOf("Notify") > ran.IndexOf("Publish"));
    }

    [Fact]
    public async Task Skip_without_names_skips_every_target_not_invoked()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "Test", "--skip");

        Assert.Equal(["Test"], Ran(outcome));
        Expect.Matches(@"Restore\s+Skipped\s+--skip", outcome.Output);
    }

    [Fact]
    public async Task Skip_with_names_skips_only_those()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "Test", "--skip", "lint", "Audit");

        Assert.Equal(["Restore", "Compile", "Test"], Ran(outcome));
    }

    [Fact]
    public async Task Unknown_target_suggests_the_closest_name_and_lists_targets()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "Compil");

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Unknown target 'Compil'; did you mean Compile?", outcome.Output);
        Assert.Contains("Targets: Restore, Compile, Lint, Test", outcome.Output);
        Assert.Empty(Ran(outcome));
    }

    [Fact]
    public async Task Plan_prints_the_order_and_runs_nothing()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Test, "--plan", "Test");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Empty(Ran(outcome));
        Expect.Matches(@"1\. Restore\s+2\. Compile\s+3\. Lint\s+4\. Test \(invoked\)\s+5\. Audit", outcome.Output);
    }

    [Fact]
    public async Task No_target_runs_the_default()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => x.Lint);

        Assert.Equal(["Restore", "Lint"], Ran(outcome));
    }

    [Fact]
    public async Task A_default_target_that_is_not_a_target_property_is_an_error()
    {
        var outcome = await TestRun.RunAsync<Diamond>(x => _ => _.Executes(() => { }));

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("The default target must be a Target property of Diamond, given as x => x.Name.", outcome.Output);
        Assert.Empty(Ran(outcome));
    }

    private sealed class Cyclic : BuildBase
    {
        public Target A => _ => _.DependsOn(B);
        public Target B => _ => _.DependsOn(C);
        public Target C => _ => _.DependsOn(A);
    }

    private sealed class SelfDependent : BuildBase
    {
        public Target A => _ => _.DependsOn(A);
    }

    private sealed class OrderingCycle : BuildBase
    {
        public Target A => _ => _.After(B);
        public Target B => _ => _.DependsOn(A);
    }

    [Fact]
    public async Task A_cycle_is_an_error_that_names_it()
    {
        var outcome = await TestRun.RunAsync<Cyclic>(x => x.A, "A");

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Circular dependency between targets: A -> B -> C -> A.", outcome.Output);
    }

    [Fact]
    public async Task A_self_dependency_is_an_error()
    {
        var outcome = await TestRun.RunAsync<SelfDependent>(x => x.A);

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Target 'A' depends on itself.", outcome.Output);
    }

    [Fact]
    public async Task A_cycle_through_After_is_an_error_too()
    {
        var outcome = await TestRun.RunAsync<OrderingCycle>(x => x.A);

        Assert.Equal(ExitCodes.UsageError, outcome.ExitCode);
        Assert.Contains("Circular dependency", outcome.Output);
    }
}
