using System.Text.Json;
using Pipeline.Aws;
using Tests.Engine;
using Tests.Peers;

namespace Tests.Aws;

/// <summary>
/// The AWS code against a real moto_server with the real AWSSDK: the image lookup by inputs hash, the SSM hand-off,
/// PruneImages and the readiness wait. (moto accepts an aws:ec2:image value without checking the AMI exists, and
/// ignores DeregisterImage's DeleteAssociatedSnapshots; AWS does both, so the code handles both: see the tests on
/// our own server for the faults moto cannot produce.)
/// </summary>
public sealed class MotoAwsTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Parameter = "/gitops-demo/dev/ami-id";
    private readonly PipelineRun _run = new("packer");
    private readonly string _packerLog = Path.GetTempFileName();

    public async Task InitializeAsync()
    {
        RequiredPeer.Require(MotoServer.IsInstalled, "moto_server is not installed (pip install 'moto[server]')");
        await moto.ResetAsync();
    }

    public Task DisposeAsync()
    {
        _run.Dispose();
        File.Delete(_packerLog);
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Environment()
    {
        var environment = moto.Environment();
        environment["AWS_RETRY_BASE_DELAY_MS"] = "5";
        environment["PACKER_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Packer", "packer-double.sh");
        environment["PACKER_DOUBLE_LOG"] = _packerLog;
        environment["CIRCLECI"] = "true";
        environment["CIRCLE_SHA1"] = "abc123commit";
        environment["CIRCLE_BRANCH"] = "main";
        return environment;
    }

    private async Task<JsonElement> ParameterAsync() => JsonDocument.Parse(await moto.SeedAsync("parameter", Parameter)).RootElement;

    [SkippableFact]
    public async Task PackerBuild_finds_an_image_by_its_inputs_hash_and_reuses_it()
    {
        var first = await _run.RunAsync(["PackerBuild", "--skip"], Environment());
        Assert.True(first.ExitCode == 0, first.Output);
        var hash = JsonDocument.Parse(File.ReadAllText(_run.Temp / "image" / "ami.json")).RootElement.GetProperty("inputs_hash").GetString()!;
        var existing = await moto.SeedAsync("image", "gitops-web-dev-existing", JsonSerializer.Serialize(new Dictionary<string, string> { ["InputsHash"] = hash, ["Project"] = "gitops-demo" }));
        await moto.SeedAsync("image", "gitops-web-dev-other", """{"InputsHash":"another-hash","Project":"gitops-demo"}""");

        var second = await _run.RunAsync(["PackerBuild", "--skip"], Environment());

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains($"Build skipped: {existing} (gitops-web-dev-existing) was baked from the same inputs; reusing it.", second.Output);
        Assert.Single(File.ReadAllLines(_packerLog), c => c.StartsWith("build"));
        var record = JsonDocument.Parse(File.ReadAllText(_run.Temp / "image" / "ami.json")).RootElement;
        Assert.Equal(existing, record.GetProperty("image_id").GetString());
        Assert.Equal("reused", record.GetProperty("origin").GetString());
    }

    [SkippableFact]
    public async Task The_verified_image_ledger_is_written_read_back_and_kept_as_history_on_moto()
    {
        var settings = new AwsSettings { Region = MotoServer.Region, EndpointUrl = moto.Url, AccessKeyId = MotoServer.AccessKeyId, SecretAccessKey = MotoServer.SecretAccessKey };
        using var ssm = settings.CreateSsmClient();
        var store = new ImageParameterStore(ssm, AwsResilience.Create(_ => { }, TimeSpan.FromMilliseconds(5)));

        await store.PublishAsync(Parameter, "ami-0aaaaaaaaaaaaaaa1", "Verified by SmokeTest: commit one", TimeSpan.FromSeconds(10), CancellationToken.None);
        await store.PublishAsync(Parameter, "ami-0bbbbbbbbbbbbbbb2", "Verified by SmokeTest: commit two", TimeSpan.FromSeconds(10), CancellationToken.None);
        var history = await store.HistoryAsync(Parameter, CancellationToken.None);
        var parameter = await ParameterAsync();

        Assert.Equal(["ami-0bbbbbbbbbbbbbbb2", "ami-0aaaaaaaaaaaaaaa1"], history.Select(v => v.ImageId));
        Assert.Equal([2L, 1L], history.Select(v => v.Version));
        Assert.Equal("Verified by SmokeTest: commit one", history[1].Description);
        Assert.Equal("aws:ec2:image", parameter.GetProperty("DataType").GetString());
        await store.DeleteAsync(Parameter, CancellationToken.None);
        Assert.Empty(await store.HistoryAsync(Parameter, CancellationToken.None));
    }

    [SkippableFact]
    public async Task PruneImages_keeps_the_newest_and_the_one_SSM_names_and_removes_the_rest_with_their_snapshots()
    {
        var images = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            images.Add(await moto.SeedAsync("image", $"gitops-web-dev-{i}", """{"Project":"gitops-demo"}"""));
            await Task.Delay(1100); // creation dates one second apart: "newest" is unambiguous
        }
        var foreign = await moto.SeedAsync("image", "someone-elses", """{"Project":"another-project"}""");
        await moto.SeedAsync("put-parameter", "/gitops-demo/prod/ami-id", images[0]);
        var snapshotsBefore = await moto.LinesAsync("snapshots");

        var outcome = await _run.RunAsync(["PruneImages", "--keep-images", "1"], Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(new[] { images[0], images[2], foreign }.Order(), (await moto.LinesAsync("images")).Order());
        Assert.Equal(snapshotsBefore.Count - 1, (await moto.LinesAsync("snapshots")).Count);
        Assert.Contains("removed 1, kept 2", outcome.Output);
    }

    [SkippableFact]
    public async Task The_readiness_wait_sees_a_running_instance_with_status_checks_ok()
    {
        var instance = await moto.SeedAsync("instance");
        var settings = new AwsSettings { Region = MotoServer.Region, EndpointUrl = moto.Url, AccessKeyId = MotoServer.AccessKeyId, SecretAccessKey = MotoServer.SecretAccessKey };
        using var ec2 = settings.CreateEc2Client();
        var reports = new List<string>();

        await new InstanceReadiness(ec2, AwsResilience.Create(_ => { }, TimeSpan.FromMilliseconds(5)), reports.Add, TimeSpan.FromMilliseconds(50))
            .WaitUntilReadyAsync(instance, TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Contains($"{instance}: running, instance status ok, system status ok", reports);
    }
}
