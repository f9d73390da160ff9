using System.Text.Json.Nodes;
using Pipeline.CircleCi;
using Tests.Doubles;
using Tests.Engine;

namespace Tests.CircleCi;

/// <summary>
/// Dynamic configuration end to end in a copy of the repository: the setup config committed, CircleCiContinue
/// generating the pipeline and posting it to a local server that answers as CircleCI's continuation API does
/// (CircleCI has no local peer; the server checks the body's shape and keeps CircleCI's one-continuation rule).
/// </summary>
public sealed class CircleCiContinueTests : IDisposable
{
    private const string Key = "ck-7f3a9e21-5b6c-4d8e-9f00-1a2b3c4d5e6f";
    private readonly PipelineRun _run = new(".circleci", ".nuke", Path.Combine("build", "Properties"));
    private readonly LocalHttpServer _circleCi;
    private string? _continuedWith;
    private string _expiredOrUsed = "";

    public CircleCiContinueTests()
    {
        _circleCi = new LocalHttpServer(request =>
        {
            if (request.Method != "POST" || request.Path != "/api/v2/pipeline/continue")
                return new ServerResponse(404, """{"message":"Not found"}""");
            var body = JsonNode.Parse(request.Body)!.AsObject();
            if ((string?)body["continuation-key"] != Key || body["configuration"] is not JsonValue || body["parameters"] is not JsonObject)
                return new ServerResponse(400, """{"message":"Invalid request body"}""");
            if (_expiredOrUsed == "expired")
                return new ServerResponse(409, """{"message":"Continuation key has expired"}""");
            if (_continuedWith is not null)
                return new ServerResponse(409, """{"message":"Pipeline is not in setup state"}""");
            _continuedWith = (string)body["configuration"]!;
            return new ServerResponse(200, """{"message":"Pipeline continued"}""");
        });
    }

    private async Task<RunOutcome> SwitchToDynamicAsync()
    {
        var settings = _run.Root / ".nuke" / "parameters.json";
        var json = JsonNode.Parse(File.ReadAllText(settings))!.AsObject();
        json["CircleCiConfiguration"] = "dynamic";
        File.WriteAllText(settings, json.ToJsonString());
        return await _run.RunAsync(["--plan"]);
    }

    private Task<RunOutcome> ContinueAsync() => _run.RunAsync(["CircleCiContinue", "--skip", "--circle-ci-url", _circleCi.Url],
        new Dictionary<string, string> { ["CIRCLE_CONTINUATION_KEY"] = Key, ["CI"] = "true", ["CIRCLECI"] = "true" });

    [Fact]
    public async Task A_dynamic_project_commits_a_setup_config_and_continues_once_with_the_generated_pipeline()
    {
        var switched = await SwitchToDynamicAsync();
        Assert.True(switched.ExitCode == 0, switched.Output);
        var setup = File.ReadAllText(_run.Root / ".circleci" / "config.yml");
        CircleCiConfigTests.AssertValidAgainstSchema(setup);
        var setupConfig = YamlJson.Convert(setup)!.AsObject();
        Assert.True((bool)setupConfig["setup"]!);
        Assert.Equal(["CircleCiContinue"], setupConfig["jobs"]!.AsObject().Select(j => j.Key));
        Assert.Contains("Schedule trigger to create in CircleCI (Project Settings > Triggers): name nightly-drift, branch main, cron 0 4 * * *", setup);
        // The setup job restores and saves the compiled build only: it would save the tool caches empty.
        Assert.Contains("build-bin-v1-", setup);
        Assert.DoesNotContain("tools-v1-", setup);
        Assert.DoesNotContain("terraform-providers-v1-", setup);

        var outcome = await ContinueAsync();
        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var request = Assert.Single(_circleCi.Requests);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(Key, (string?)body["continuation-key"]);
        Assert.Empty(body["parameters"]!.AsObject());
        Assert.Equal(File.ReadAllText(_run.Temp / "circleci" / "config.yml"), _continuedWith);
        CircleCiConfigTests.AssertValidAgainstSchema(_continuedWith!);

        // The continued config holds the pipeline: the trigger's parameters declared as in the setup config, the
        // nightly drift check run by its schedule trigger, every other workflow kept off scheduled pipelines.
        var continued = YamlJson.Convert(_continuedWith!)!.AsObject();
        Assert.Null(continued["setup"]);
        Assert.Equal(setupConfig["parameters"]!.AsObject().Select(p => p.Key), continued["parameters"]!.AsObject().Select(p => p.Key));
        var nightly = continued["workflows"]!["nightly-drift"]!.AsObject();
        Assert.Null(nightly["triggers"]);
        Assert.Contains("""{"equal":["nightly-drift","<< pipeline.schedule.name >>"]}""", nightly["when"]!["and"]!.AsArray().Select(c => c!.ToJsonString(Readable)));
        Assert.Contains("""{"not":{"equal":["scheduled_pipeline","<< pipeline.trigger_source >>"]}}""",
            continued["workflows"]!["deploy"]!["when"]!["and"]!.AsArray().Select(c => c!.ToJsonString(Readable)));
        Assert.Contains("TerraformApply-prod", _continuedWith);

        Assert.DoesNotContain(Key, outcome.Output);
        Assert.DoesNotContain(Key, outcome.Log);
        Assert.DoesNotContain(Key, File.ReadAllText(_run.Temp / "circleci" / "config.yml"));
    }

    [Fact]
    public async Task Switching_the_setting_regenerates_the_committed_file_and_Validate_checks_whichever_is_committed()
    {
        var ci = new Dictionary<string, string> { ["CI"] = "true" };
        var switched = await SwitchToDynamicAsync();
        Assert.True(switched.ExitCode == 0, switched.Output);
        Assert.Contains("setup: true", File.ReadAllText(_run.Root / ".circleci" / "config.yml"));
        var current = await _run.RunAsync(["Validate", "--skip"], ci);
        Assert.True(current.ExitCode == 0, current.Output);

        File.AppendAllText(_run.Root / ".circleci" / "config.yml", "# a hand edit\n");
        var stale = await _run.RunAsync(["Validate", "--skip"], ci);
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("Generated files are out of date: .circleci/config.yml", stale.Output);

        var settings = _run.Root / ".nuke" / "parameters.json";
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("dynamic", "static", StringComparison.Ordinal));
        Assert.Equal(0, (await _run.RunAsync(["--plan"])).ExitCode);
        Assert.DoesNotContain("setup: true", File.ReadAllText(_run.Root / ".circleci" / "config.yml"));
        Assert.Equal(File.ReadAllText(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, ".circleci", "config.yml")), File.ReadAllText(_run.Root / ".circleci" / "config.yml"));
    }

    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task A_second_continuation_and_an_expired_key_are_each_one_line_saying_what_to_do()
    {
        Assert.Equal(0, (await SwitchToDynamicAsync()).ExitCode);
        Assert.Equal(0, (await ContinueAsync()).ExitCode);

        var again = await ContinueAsync();
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains(again.Output.Split('\n'), l => l.Contains("\"Pipeline is not in setup state\"") && l.Contains("already continued (one continuation per pipeline)") && l.Contains("rerun the whole pipeline"));

        _expiredOrUsed = "expired";
        var late = await ContinueAsync();
        Assert.NotEqual(0, late.ExitCode);
        Assert.Contains(late.Output.Split('\n'), l => l.Contains("\"Continuation key has expired\"") && l.Contains("lasts six hours") && l.Contains("Rerun the setup workflow"));
        Assert.Equal(3, _circleCi.Requests.Count);
        Assert.DoesNotContain(Key, again.Output + late.Output);
    }

    [Fact]
    public async Task Nothing_is_sent_without_a_committed_setup_config_a_declared_trigger_parameter_or_a_key()
    {
        var staticMode = await ContinueAsync();
        Assert.NotEqual(0, staticMode.ExitCode);
        Assert.Contains("the committed .circleci/config.yml is not a setup config (no setup: true); set \"CircleCiConfiguration\": \"dynamic\" in .nuke/parameters.json", staticMode.Output);

        Assert.Equal(0, (await SwitchToDynamicAsync()).ExitCode);
        var setupFile = _run.Root / ".circleci" / "config.yml";
        var setup = File.ReadAllText(setupFile);
        File.WriteAllText(setupFile, setup.Replace("\nparameters:\n", "\nparameters:\n  release-notes:\n    type: string\n    default: \"\"\n", StringComparison.Ordinal));
        var undeclared = await ContinueAsync();
        Assert.True(undeclared.ExitCode != 0, undeclared.Output);
        Assert.Contains("Pipeline parameter 'release-notes' of the setup configuration is not declared in the generated configuration", undeclared.Output);
        Assert.Contains("Nothing was sent.", undeclared.Output);

        File.WriteAllText(setupFile, setup);
        var noKey = await _run.RunAsync(["CircleCiContinue", "--skip", "--circle-ci-url", _circleCi.Url], new Dictionary<string, string> { ["CI"] = "true" });
        Assert.NotEqual(0, noKey.ExitCode);
        Assert.Contains("CIRCLE_CONTINUATION_KEY is not set: CircleCiContinue runs in the setup workflow of a CircleCI pipeline", noKey.Output);

        var badUrl = await _run.RunAsync(["CircleCiContinue", "--skip", "--circle-ci-url", "ftp://circleci.example"], new Dictionary<string, string> { ["CIRCLE_CONTINUATION_KEY"] = Key });
        Assert.Equal(BuildEngine.ExitCodes.UsageError, badUrl.ExitCode);
        Assert.Empty(_circleCi.Requests);
    }

    [Fact]
    public void The_limits_are_checked_before_any_call()
    {
        IReadOnlySet<string> declared = new HashSet<string> { "rollback-environment", "further" };
        IReadOnlySet<string> trigger = new HashSet<string> { "rollback-environment" };
        ContinuationParameters With(Dictionary<string, JsonNode?> values) => new(values, declared, trigger);
        Assert.Empty(CircleCiContinuation.Check("version: 2.1\n", With(new() { ["further"] = true })));

        Assert.Contains(CircleCiContinuation.Check(new string('#', CircleCiContinuation.MaxConfigurationBytes + 1), With([])), p => p.Contains("at most 3,145,728 (3 MB)"));
        Assert.Empty(CircleCiContinuation.Check(new string('#', CircleCiContinuation.MaxConfigurationBytes), With([])));
        Assert.Contains(CircleCiContinuation.Check("", With(new() { ["rollback-environment"] = "dev" })), p => p.Contains("overlap the trigger's"));
        Assert.Contains(CircleCiContinuation.Check("", With(new() { ["other"] = 1 })), p => p.Contains("'other' is not declared"));
        Assert.Contains(CircleCiContinuation.Check("", new(new Dictionary<string, JsonNode?>(), new HashSet<string>(), trigger)), p => p.Contains("'rollback-environment' of the setup configuration is not declared"));
    }

    [Fact]
    public async Task An_oversized_configuration_is_refused_without_a_call_and_a_valid_one_is_posted_with_its_parameters()
    {
        using var http = new HttpClient();
        var continuation = new CircleCiContinuation(http, _circleCi.Url);
        var parameters = new ContinuationParameters(new Dictionary<string, JsonNode?> { ["further"] = true }, new HashSet<string> { "further" }, new HashSet<string>());

        var refused = await Assert.ThrowsAsync<CircleCiContinuationException>(() =>
            continuation.ContinueAsync(Key, "# " + new string('x', 4 * 1024 * 1024), parameters, CancellationToken.None));
        Assert.Contains("Nothing was sent.", refused.Message);
        Assert.Empty(_circleCi.Requests);

        await continuation.ContinueAsync(Key, "version: 2.1\n", parameters, CancellationToken.None);
        var body = JsonNode.Parse(Assert.Single(_circleCi.Requests).Body)!;
        Assert.Equal("""{"further":true}""", body["parameters"]!.ToJsonString());
        Assert.Equal("version: 2.1\n", (string?)body["configuration"]);
    }

    public void Dispose()
    {
        _circleCi.Dispose();
        _run.Dispose();
    }
}
