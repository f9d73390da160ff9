using System.IO.Compression;
using CliWrap.Buffered;
using System.Security.Cryptography;
using Pipeline.Tools;
using Tests.Doubles;

namespace Tests.Tools;

/// <summary>InstallTools against a local release server: verified install, refused checksum, reuse.</summary>
public sealed class ToolInstallerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tools-test-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly byte[] _zip;
    private string _sums;
    private readonly LocalHttpServer _server;

    public ToolInstallerTests()
    {
        using (var buffer = new MemoryStream())
        {
            using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = new StreamWriter(archive.CreateEntry("terraform").Open());
                entry.Write("#!/bin/sh\necho 'Terraform v1.9.8'\n");
            }
            _zip = buffer.ToArray();
        }
        _sums = $"{Convert.ToHexStringLower(SHA256.HashData(_zip))}  terraform_1.9.8_{ToolInstaller.Platform()}.zip\n0000  terraform_1.9.8_other.zip\n";
        _server = new LocalHttpServer(request => request.Path switch
        {
            var p when p.EndsWith("_SHA256SUMS") => new ServerResponse(200, _sums, "text/plain"),
            var p when p.EndsWith(".zip") => new ServerResponse(200, "", "application/zip") { Bytes = _zip },
            _ => new ServerResponse(404, "not found", "text/plain"),
        });
    }

    public void Dispose()
    {
        _server.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private ToolInstaller Installer(List<string> log) => new(new HttpClient(), _server.Url, _directory, log.Add);

    [Fact]
    public async Task A_release_matching_its_SHA256SUMS_is_installed_executable_and_then_reused()
    {
        var log = new List<string>();
        var path = await Installer(log).InstallAsync("terraform", "1.9.8", CancellationToken.None);

        Assert.Equal(ToolInstaller.ExecutablePath(_directory, "terraform", "1.9.8"), path);
        Assert.Contains("Terraform v1.9.8", File.ReadAllText(path));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("installed and verified", log.Single());
        Assert.Contains(_server.Requests, r => r.Path == $"/terraform/1.9.8/terraform_1.9.8_{ToolInstaller.Platform()}.zip");

        var zipRequests = _server.Requests.Count(r => r.Path.EndsWith(".zip"));
        await Installer(log).InstallAsync("terraform", "1.9.8", CancellationToken.None);
        Assert.Contains("already installed and verified", log[^1]);
        Assert.Equal(zipRequests, _server.Requests.Count(r => r.Path.EndsWith(".zip")));
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_and_nothing_is_installed()
    {
        _sums = _sums.Replace(_sums[..8], "deadbeef");

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => Installer([]).InstallAsync("terraform", "1.9.8", CancellationToken.None));

        Assert.Contains("refusing to install it", error.Message);
        Assert.False(File.Exists(ToolInstaller.ExecutablePath(_directory, "terraform", "1.9.8")));
        Assert.Empty(Directory.GetFiles(_directory, "*.part"));
    }

    [Fact]
    public async Task A_release_missing_from_SHA256SUMS_is_refused()
    {
        _sums = "0000  something_else.zip\n";

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => Installer([]).InstallAsync("terraform", "1.9.8", CancellationToken.None));

        Assert.Contains("lists no checksum for terraform_1.9.8_", error.Message);
    }

    [Fact]
    public async Task A_checksum_pinned_in_tools_json_must_agree_with_SHA256SUMS_and_the_download()
    {
        var published = _sums[..64];
        var installed = await Installer([]).InstallAsync("terraform", "1.9.8", CancellationToken.None, pinned: published);
        Assert.True(File.Exists(installed));
        Directory.Delete(_directory, recursive: true);

        // A release server that serves another zip with a matching SHA256SUMS is still refused.
        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() =>
            Installer([]).InstallAsync("terraform", "1.9.8", CancellationToken.None, pinned: new string('a', 64)));
        Assert.Contains($"but .nuke/tools.json pins {new string('a', 64)}; refusing to install it", error.Message);
        Assert.False(File.Exists(ToolInstaller.ExecutablePath(_directory, "terraform", "1.9.8")));
    }

    [Fact]
    public async Task InstallTools_reads_versions_with_per_platform_checksums_and_refuses_a_malformed_pin()
    {
        using var run = new PipelineRun(".nuke");
        var published = _sums[..64];
        File.WriteAllText(run.Root / ".nuke" / "tools.json", $$"""{ "terraform": { "version": "1.9.8", "sha256": { "{{ToolInstaller.Platform()}}": "{{published}}" } } }""");
        var pinned = await run.RunAsync(["InstallTools", "--tools-release-url", _server.Url]);
        Assert.True(pinned.ExitCode == 0, pinned.Output);

        File.WriteAllText(run.Root / ".nuke" / "tools.json", """{ "terraform": { "version": "1.9.8", "sha256": { "linux_amd64": "not-a-checksum" } } }""");
        var malformed = await run.RunAsync(["InstallTools", "--tools-release-url", _server.Url]);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("terraform: the sha256 of linux_amd64 is not 64 lower-case hex digits", malformed.Output);
    }

    [SkippableFact]
    public async Task CI_installs_the_Terraform_the_tests_run()
    {
        Peers.RequiredPeer.Require(Peers.RequiredPeer.OnPath("terraform"), "terraform is not installed");
        var pinned = PinnedTools.Load(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, ".nuke", "tools.json"));
        var version = await CliWrap.Cli.Wrap("terraform").WithArguments(["version", "-json"]).ExecuteBufferedAsync();

        using var json = System.Text.Json.JsonDocument.Parse(version.StandardOutput);
        Assert.Equal(json.RootElement.GetProperty("terraform_version").GetString(), pinned.Versions["terraform"]);
        Assert.NotNull(pinned.ChecksumFor("terraform", "linux_amd64"));
    }

    [Fact]
    public async Task The_InstallTools_target_installs_every_pinned_tool_from_the_configured_server()
    {
        using var run = new PipelineRun(".nuke");
        File.WriteAllText(run.Root / ".nuke" / "tools.json", """{ "terraform": "1.9.8" }""");

        var outcome = await run.RunAsync(["InstallTools", "--tools-release-url", _server.Url]);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.True(File.Exists(run.Temp / "tools" / "terraform" / "1.9.8" / "terraform"));
        Assert.Contains("terraform 1.9.8", outcome.Output);
    }
}
