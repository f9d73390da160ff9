using System.Net.Sockets;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Ansible;

/// <summary>The host did not answer SSH in time.</summary>
public sealed class SshNotReadyException(string message) : Exception(message);

/// <summary>Waits until the host's SSH server answers with its banner (a TCP connect alone can hit a booting proxy).</summary>
public sealed class SshReadiness(Action<string> report, TimeSpan pollInterval)
{
    public async Task WaitAsync(AnsibleTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attempts = 0;
        string? lastError = null;
        var pipeline = new ResiliencePipelineBuilder()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SocketException>().Handle<IOException>().Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = int.MaxValue,
                Delay = pollInterval,
                BackoffType = DelayBackoffType.Constant,
                OnRetry = arguments =>
                {
                    lastError = arguments.Outcome.Exception?.Message;
                    if (++attempts % 5 == 1) report($"SSH on {target.Address}:{target.Port} not answering yet ({lastError})");
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            var banner = await pipeline.ExecuteAsync(async token => await ReadBannerAsync(target, token), cancellationToken);
            report($"SSH answers on {target.Address}:{target.Port}: {banner}");
        }
        catch (TimeoutRejectedException)
        {
            throw new SshNotReadyException($"SSH on {target.Address}:{target.Port} did not answer within {timeout.TotalSeconds:0} s (last error: {lastError ?? "none"}); check the security group's SSH CIDRs and that the instance booted.");
        }
    }

    private static async Task<string> ReadBannerAsync(AnsibleTarget target, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(target.Address, target.Port, cancellationToken);
        var stream = client.GetStream();
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        var banner = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Trim();
        return banner.StartsWith("SSH-", StringComparison.Ordinal)
            ? banner
            : throw new IOException($"'{banner}' is not an SSH banner");
    }
}
