using System.Text;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Tests.Doubles;
using Tests.Feedback;

namespace Tests.Bootstrap;

/// <summary>Classes that run ./build.sh in one shared copy of the repository, compiled once, one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RepositoryProcesses : ICollectionFixture<SimulatedRepository>
{
    public const string Name = "repository processes";
}

/// <summary>
/// Bad input as a new user types it: ./build.sh as a real process in a copy of the whole repository. Each refusal is
/// exactly one error line naming the option, no stack trace, no line over 400 characters, nothing written outside
/// .nuke/temp, and no tool run or service called: terraform, packer and ansible-playbook are recorders, and AWS,
/// GitHub and Slack point at a local server that records every request (a refused run must send none).
/// </summary>
[Collection(RepositoryProcesses.Name)]
public sealed class BadInputTests(SimulatedRepository repository) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("bad-input-").FullName;
    private readonly LocalHttpServer _services = new(_ => new ServerResponse(500, "{}"));

    public void Dispose()
    {
        _services.Dispose();
        TestFiles.DeleteDirectory(_scratch);
    }

    private string CallsLog => Path.Combine(_scratch, "calls.log");

    private Dictionary<string, string?> Environment()
    {
        var recorder = Path.Combine(_scratch, "recorder.sh");
        if (!File.Exists(recorder))
        {
            File.WriteAllText(recorder, $"#!/bin/sh\necho \"$0 $*\" >> '{CallsLog}'\nexit 1\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(recorder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new Dictionary<string, string?>
        {
            ["CI"] = null, ["CIRCLECI"] = null, ["NO_COLOR"] = "1",
            ["TERRAFORM_EXECUTABLE"] = recorder, ["PACKER_EXECUTABLE"] = recorder, ["ANSIBLE_PLAYBOOK_EXECUTABLE"] = recorder,
            ["AWS_ENDPOINT_URL"] = _services.Url, ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEEXAMPLE00", ["AWS_SECRET_ACCESS_KEY"] = "bad-input-test-secret-key",
            ["GITHUB_API_URL"] = _services.Url, ["GITHUB_TOKEN"] = "bad-input-test-token", ["GITHUB_REPOSITORY"] = "octo/repo",
            ["SLACK_API_URL"] = _services.Url, ["SLACK_TOKEN"] = "xoxb-bad-input-test", ["SLACK_CHANNEL"] = "C0DEPLOYS",
        };
    }

    private async Task<BufferedCommandResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var environment = Environment();
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
            environment[name] = value;
        return await repository.RunBuildShAsync(args, environment);
    }

    /// <summary>Every file of the copy outside .nuke/temp and the build's outputs, with its size and time.</summary>
    private Dictionary<string, (long, DateTime)> Snapshot() =>
        Directory.EnumerateFiles(repository.Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(repository.Temp + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    public static TheoryData<string[], string> Cases => new()
    {
        { ["TerraformPlan", "--deploy-environment", "../../../escaped"], "--deploy-environment" },
        { ["TerraformPlan", "--deploy-environment", "dev\nprod"], "--deploy-environment" },
        { ["TerraformPlan", "--deploy-environment", new string('a', 131_000)], "--deploy-environment" },
        { ["TerraformPlan", "--profile", "../../escaped"], "--profile" },
        { ["PackerValidate", "--packer-executable", new string('p', 131_000)], "--packer-executable" },
        { ["TerraformPlan", "--project-name", "../escaped"], "--project-name" },
        { ["AnsibleConfigure", "--ansible-host", "127.0.0.1", "--ansible-accept-new-host-key", "--ssh-private-key-file", "/etc/hostname", "--ansible-user", "deploy\n[web:vars]\ninjected=1"], "--ansible-user" },
        { ["AnsibleConfigure", "--ansible-host", "127.0.0.1", "--ansible-accept-new-host-key", "--ssh-private-key-file", "/nonexistent/id_ed25519"], "--ssh-private-key-file" },
        { ["AnsibleConfigure", "--ansible-host", "127.0.0.1", "--ansible-port", "70000"], "--ansible-port" },
        { ["AnsibleConfigure", "--ansible-host", "127.0.0.1; rm -rf /"], "--ansible-host" },
        { ["AnsibleConfigure", "--ansible-extra-vars", "=no-name"], "--ansible-extra-vars" },
        { ["SmokeTest", "--smoke-test-timeout-seconds", "-5"], "--smoke-test-timeout-seconds" },
        { ["SmokeTest", "--smoke-test-url", "ftp://example"], "--smoke-test-url" },
        { ["PruneImages", "--keep-images", "0"], "--keep-images" },
        { ["PruneImages", "--keep-images", "-1"], "--keep-images" },
        { ["PruneImages", "--aws-region", "us east 1"], "--aws-region" },
        { ["TerraformPlan", "--aws-role-arn", "arn:aws:iam::12:role/deploy"], "--aws-role-arn" },
        { ["TerraformPlan", "--aws-role-arn", "arn:aws:iam::123456789012:role/deploy", "--aws-web-identity-token-file", "/nonexistent/token"], "--aws-web-identity-token-file" },
        { ["Rollback", "--rollback-to", "ami-../../x"], "--rollback-to" },
        { ["TerraformDestroy", "--confirm-destroy", "dev\u202E"], "--confirm-destroy" },
        { ["ProtectBranch", "--required-approvals", "7"], "--required-approvals" },
        { ["ProtectBranch", "--git-hub-api-url", "not a url"], "--git-hub-api-url" },
        { ["ProtectBranch", "--git-hub-app-id", "12 34"], "--git-hub-app-id" },
        { ["ProtectBranch", "--git-hub-app-id", "123", "--git-hub-app-private-key-file", "/nonexistent/app.pem"], "--git-hub-app-private-key-file" },
        { ["TerraformPlan", "--plan-store-bucket", "Bucket_With/Slash"], "--plan-store-bucket" },
        { ["TerraformPlan", "--plan-store-kms-key", "alias/../../x y"], "--plan-store-kms-key" },
        { ["TerraformApply", "--max-plan-age-hours", "0"], "--max-plan-age-hours" },
        { ["StateLock", "--state-lock-format", "xml"], "--state-lock-format" },
        { ["ForceUnlock", "--lock-id", "../../tflock"], "--lock-id" },
        { ["ForceUnlock", "--lock-id", "0b9d2b43-31f5-4a7e-9a52-8a3b0c8d1e2f", "--force-unlock-reason", "ok\nrm -rf"], "--force-unlock-reason" },
        { ["SummarizePlan", "--plan-json", "missing-plan.json"], "--plan-json" },
        { ["SummarizePlan", "--plan-json", "."], "--plan-json" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_one_line_naming_the_option_before_anything_runs(string[] args, string option)
    {
        await AssertRefusedAsync(args, null, option);
    }

    [Fact]
    public async Task Bad_values_from_the_environment_and_from_a_profile_file_are_refused_the_same_way()
    {
        await AssertRefusedAsync(["TerraformPlan"], new Dictionary<string, string?> { ["DEPLOY_ENVIRONMENT"] = "../../escaped" }, "--deploy-environment");

        var profile = Path.Combine(repository.Root, ".nuke", "parameters.huge.json");
        File.WriteAllText(profile, JsonSerializer.Serialize(new Dictionary<string, string> { ["DeployEnvironment"] = new string('x', 1_000_000) }));
        try
        {
            var line = await AssertRefusedAsync(["TerraformPlan", "--profile", "huge"], null, "--deploy-environment");
            Assert.Contains("--profile huge", line);
        }
        finally
        {
            File.Delete(profile);
        }
    }

    private async Task<string> AssertRefusedAsync(string[] args, IReadOnlyDictionary<string, string?>? environment, string option)
    {
        await WarmUpAsync();
        var before = Snapshot();
        File.Delete(CallsLog);
        var requests = _services.Requests.Count;

        var result = await RunAsync(args, environment);
        var output = result.StandardOutput + result.StandardError;

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {Shorten(output)}");
        var errors = output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        Assert.Contains(option, line);
        Assert.All(output.Split('\n'), l => Assert.True(l.Length <= 400, $"a line of {l.Length} characters: {Shorten(l)}"));
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(|Exception", output);
        Assert.DoesNotContain('\u202E', output);
        Assert.DoesNotContain("injected", output);
        Assert.Equal(before, Snapshot());
        Assert.False(File.Exists(CallsLog), File.Exists(CallsLog) ? File.ReadAllText(CallsLog) : "");
        Assert.Equal(requests, _services.Requests.Count);
        return line;
    }

    private bool _warm;

    /// <summary>The first run compiles the build and brings generated files up to date; snapshots start after it.</summary>
    private async Task WarmUpAsync()
    {
        if (_warm) return;
        var plan = await RunAsync(["--plan"]);
        Assert.True(plan.ExitCode == 0, plan.StandardOutput + plan.StandardError);
        _warm = true;
    }

    private static string Shorten(string text) => text.Length > 2000 ? text[..2000] + "…" : text;
}
