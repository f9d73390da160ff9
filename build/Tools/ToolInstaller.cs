using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;

namespace Pipeline.Tools;

/// <summary>A downloaded release whose checksum is not the one its SHA256SUMS file lists.</summary>
public sealed class ChecksumMismatchException(string message) : Exception(message);

/// <summary>
/// Installs pinned HashiCorp releases (Packer, Terraform) into <c>.nuke/temp/tools/&lt;name&gt;/&lt;version&gt;/</c>:
/// the zip is verified against the release's SHA256SUMS before anything is extracted, and a verified install is
/// reused (CircleCI caches the folder).
/// </summary>
public sealed class ToolInstaller(HttpClient http, string releasesUrl, string toolsDirectory, Action<string> report)
{
    private readonly ResiliencePipeline _retries = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(e => e.StatusCode is null || (int)e.StatusCode >= 500),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    public static string ExecutablePath(string toolsDirectory, string name, string version) =>
        Path.Combine(toolsDirectory, name, version, OperatingSystem.IsWindows() ? name + ".exe" : name);

    /// <summary>Installs <paramref name="name"/> <paramref name="version"/>; <paramref name="pinned"/> is the SHA-256 .nuke/tools.json records for this platform, if any.</summary>
    public async Task<string> InstallAsync(string name, string version, CancellationToken cancellationToken, string? pinned = null)
    {
        var executable = ExecutablePath(toolsDirectory, name, version);
        var zipName = $"{name}_{version}_{Platform()}.zip";
        var marker = executable + ".sha256";
        var sums = await GetTextAsync($"{releasesUrl.TrimEnd('/')}/{name}/{version}/{name}_{version}_SHA256SUMS", cancellationToken);
        var expected = ExpectedChecksum(sums, zipName)
            ?? throw new ChecksumMismatchException($"{name}_{version}_SHA256SUMS lists no checksum for {zipName}; refusing to install {name} {version}.");
        if (pinned is not null && pinned != expected)
            throw new ChecksumMismatchException($"{name}_{version}_SHA256SUMS says {zipName} has SHA-256 {expected}, but .nuke/tools.json pins {pinned}; refusing to install it.");
        if (File.Exists(executable) && File.Exists(marker) && (await File.ReadAllTextAsync(marker, cancellationToken)).Trim() == expected)
        {
            report($"{name} {version}: already installed and verified ({executable})");
            return executable;
        }

        var download = Path.Combine(toolsDirectory, $"{zipName}.{Guid.NewGuid():N}.part");
        Directory.CreateDirectory(toolsDirectory);
        try
        {
            await _retries.ExecuteAsync(async token =>
            {
                using var response = await http.GetAsync($"{releasesUrl.TrimEnd('/')}/{name}/{version}/{zipName}", HttpCompletionOption.ResponseHeadersRead, token);
                response.EnsureSuccessStatusCode();
                await using var file = File.Create(download);
                await response.Content.CopyToAsync(file, token);
            }, cancellationToken);
            var actual = await Sha256Async(download, cancellationToken);
            if (actual != expected)
                throw new ChecksumMismatchException($"{zipName} has SHA-256 {actual}, but the release's SHA256SUMS says {expected}; refusing to install it.");

            var directory = Path.GetDirectoryName(executable)!;
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.CreateDirectory(directory);
            using (var archive = ZipFile.OpenRead(download))
            {
                var entry = archive.GetEntry(Path.GetFileName(executable))
                    ?? throw new InvalidDataException($"{zipName} does not contain {Path.GetFileName(executable)}.");
                entry.ExtractToFile(executable);
            }
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            await File.WriteAllTextAsync(marker, expected, cancellationToken);
            report($"{name} {version}: installed and verified (SHA-256 {expected[..12]}…) at {executable}");
            return executable;
        }
        finally
        {
            File.Delete(download);
        }
    }

    private async Task<string> GetTextAsync(string url, CancellationToken cancellationToken) =>
        await _retries.ExecuteAsync(async token => await http.GetStringAsync(url, token), cancellationToken);

    private static string? ExpectedChecksum(string sums, string fileName) => sums
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
        .FirstOrDefault(parts => parts.Length == 2 && parts[1].TrimStart('*') == fileName)?[0].ToLowerInvariant();

    private static async Task<string> Sha256Async(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>HashiCorp's platform names: linux_amd64, darwin_arm64, windows_amd64…</summary>
    public static string Platform()
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            _ => "amd64",
        };
        return $"{os}_{arch}";
    }
}
