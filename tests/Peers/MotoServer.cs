using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Tests.Peers;

/// <summary>
/// A real moto_server (AWS emulator: S3, DynamoDB, EC2, SSM) on a free loopback port, shared by a test class and
/// reset between tests. Seeded and inspected with boto3 through tests/Peers/moto-state.py.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "eu-west-1";
    public const string AccessKeyId = "AKIAMOTOTESTKEY00001";
    public const string SecretAccessKey = "moto-test-secret-access-key-0123456789";

    private Process? _process;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static bool IsInstalled => RequiredPeer.OnPath("moto_server") && RequiredPeer.OnPath("python3");

    private static string StateScript => Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Peers", "moto-state.py");

    public async Task InitializeAsync()
    {
        if (!IsInstalled) return;
        Port = LoopbackPorts.Reserve();
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", Port.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"{Url}/moto-api/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"moto_server did not start on {Url}");
            await Task.Delay(100);
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Forgets every bucket, table, parameter and image: each test starts from an empty account.</summary>
    public async Task ResetAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{Url}/moto-api/reset", null);
        response.EnsureSuccessStatusCode();
    }

    public Task CreateStateBackendAsync(string bucket, string table) => RunStateScriptAsync("backend", bucket, table);

    /// <summary>The lock table's items: Terraform's lock (LockID "bucket/key", Info) and its state digests ("…-md5").</summary>
    public async Task<IReadOnlyList<JsonElement>> LockTableItemsAsync(string table)
    {
        var output = await RunStateScriptAsync("locks", table);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    /// <summary>Runs boto3 against this server (see moto-state.py for the commands); its standard output, trimmed.</summary>
    public async Task<string> SeedAsync(params string[] arguments) => (await RunStateScriptAsync(arguments)).Trim();

    public async Task<IReadOnlyList<string>> LinesAsync(params string[] arguments) =>
        (await RunStateScriptAsync(arguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What the build needs to reach this server: region, endpoint, static credentials.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = Url,
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
    };

    private async Task<string> RunStateScriptAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("python3").WithArguments([StateScript, Url, Region, .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"moto-state.py {string.Join(' ', arguments)} failed: {result.StandardError}");
        return result.StandardOutput;
    }
}
