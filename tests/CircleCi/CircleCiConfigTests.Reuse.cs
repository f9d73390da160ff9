using System.Text.Json;
using System.Text.Json.Nodes;
using BuildEngine.CircleCi;

namespace Tests.CircleCi;

/// <summary>The config written as CircleCI's own orbs write one: an executor and reusable commands, each job a few lines.</summary>
public sealed partial class CircleCiConfigTests
{
    [Fact]
    public void The_committed_config_is_an_executor_and_commands_with_each_job_only_what_is_its_own()
    {
        Assert.True(Committed.Split('\n').Length - 1 <= 867, $"{Committed.Split('\n').Length - 1} lines");
        var config = YamlJson.Convert(Committed)!.AsObject();
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", (string?)config["executors"]!["default"]!["docker"]![0]!["image"]);
        Assert.Equal(["prepare", "finish", "install-tools", "install-ansible"], config["commands"]!.AsObject().Select(c => c.Key));
        foreach (var (name, job) in config["jobs"]!.AsObject())
        {
            Assert.Equal("default", (string?)job!["executor"]);
            Assert.Null(job["docker"]);
            var steps = job["steps"]!.AsArray().Select(s => s is JsonObject map ? map.Single().Key : (string)s!).ToList();
            Assert.Equal("prepare", steps[0]);
            Assert.Contains("finish", steps);
            Assert.Equal(1, Committed.Split('\n').Count(l => l.Contains($"command: ./build.sh {name} --skip", StringComparison.Ordinal)));
        }
        // The cache steps are written once (one restore, one save), used by every job.
        Assert.Equal(2, Committed.Split('\n').Count(l => l.Contains("build-bin-v1-", StringComparison.Ordinal)));
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Processed_each_job_runs_the_same_steps_around_its_target_as_a_job_written_out_in_full()
    {
        var jobs = ConfigProcessing.Process(Committed)["jobs"]!.AsObject();
        foreach (var (name, job) in jobs)
        {
            var steps = job!["steps"]!.AsArray().Select(s => s is JsonObject map ? map.Single().Key + ":" + map.Single().Value!.ToJsonString(Readable) : (string)s!).ToList();
            Assert.Equal("checkout", steps[0]);
            Assert.Equal(3, steps.Count(s => s.StartsWith("restore_cache:", StringComparison.Ordinal)));
            Assert.Equal(3, steps.Count(s => s.StartsWith("save_cache:", StringComparison.Ordinal)));
            Assert.Contains(steps, s => s == """store_artifacts:{"path":".nuke/temp/build.log"}""");
            Assert.Equal("/root/.terraform.d/plugin-cache", (string?)job["environment"]!["TF_PLUGIN_CACHE_DIR"]);
            Assert.Equal("medium", (string?)job["resource_class"]);
            var profiled = job["parameters"]?["profile"] is not null;
            Assert.Equal(profiled, steps.Any(s => s.Contains(".nuke/temp/policy/<< parameters.profile >>.md", StringComparison.Ordinal)));
            var setUp = steps.FindIndex(s => s.Contains("Set up:", StringComparison.Ordinal));
            var target = steps.FindIndex(s => s.Contains($"\"name\":\"{name}\"", StringComparison.Ordinal));
            Assert.True(setUp < target && target > steps.FindLastIndex(s => s.StartsWith("restore_cache:", StringComparison.Ordinal)), name);
        }
        Assert.Contains(jobs["TerraformApply"]!["steps"]!.AsArray(), s => s!.ToJsonString().Contains("install-tools", StringComparison.Ordinal) || s.ToJsonString().Contains("InstallTools", StringComparison.Ordinal));
    }

    [Fact]
    public void The_generator_refuses_a_command_or_executor_it_did_not_define()
    {
        var declaration = new CircleCiWorkflow("w") { Targets = [] };
        var workflow = new WorkflowModel("w", declaration, [new WorkflowJob("A", "A", [])]);
        var command = new CircleCiCommand("prepare", "d", [new("attach-workspace", "boolean", false)], ["checkout"]);
        void Check(Dictionary<string, object?> definition, params CircleCiCommand[] commands) => CircleCiValidator.Validate(
            new CircleCiConfig([new CircleCiJob("A", definition)], [workflow], []) { Executors = [new("default", "img", "medium", new Dictionary<string, string>())], Commands = commands });

        Check(new() { ["executor"] = "default", ["steps"] = new List<object> { "prepare", new Dictionary<string, object?> { ["prepare"] = new Dictionary<string, object?> { ["attach-workspace"] = true } } } }, command);
        Assert.Contains("runs on executor 'large', which is not defined", Assert.Throws<CircleCiConfigException>(() => Check(new() { ["executor"] = "large", ["steps"] = new List<object> { "checkout" } })).Message);
        Assert.Contains("invokes command 'finish', which is not defined", Assert.Throws<CircleCiConfigException>(() => Check(new() { ["executor"] = "default", ["steps"] = new List<object> { "finish" } }, command)).Message);
        Assert.Contains("gives command 'prepare' the parameter 'profile', which it does not declare", Assert.Throws<CircleCiConfigException>(() =>
            Check(new() { ["executor"] = "default", ["steps"] = new List<object> { new Dictionary<string, object?> { ["prepare"] = new Dictionary<string, object?> { ["profile"] = "dev" } } } }, command)).Message);
        Assert.Contains("has the name of one of CircleCI's own steps", Assert.Throws<CircleCiConfigException>(() =>
            Check(new() { ["executor"] = "default", ["steps"] = new List<object> { "checkout" } }, command with { Name = "checkout" })).Message);
    }

    [Theory]
    [InlineData(true, new[] { "a", "b" })]
    [InlineData(true, new[] { "", "<< pipeline.git.branch >>" })]
    [InlineData(false, new[] { "a, b", "c" })]
    [InlineData(false, new[] { "x: y" })]
    [InlineData(false, new[] { "a-rather-long-context-name-one", "a-rather-long-context-name-two", "and-three" })]
    public void Short_lists_of_plain_words_are_written_on_one_line_and_read_back_the_same(bool oneLine, string[] items)
    {
        var yaml = CircleCiWriter.Write(new CircleCiConfig([new CircleCiJob("A", new() { ["list"] = items.Cast<object>().ToList() })], [], []));
        Assert.Equal(oneLine, yaml.Contains("list: [", StringComparison.Ordinal));
        var read = YamlJson.Convert(yaml)!["jobs"]!["A"]!["list"]!.AsArray().Select(i => (string?)i ?? "").ToArray();
        Assert.Equal(items, read);
    }
}
