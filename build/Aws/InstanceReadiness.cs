using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Aws;

/// <summary>An instance's state as EC2 reports it.</summary>
public sealed record InstanceHealth(string State, string InstanceStatus, string SystemStatus)
{
    public bool IsReady => State == "running" && InstanceStatus == "ok" && SystemStatus == "ok";

    public override string ToString() => $"{State}, instance status {InstanceStatus}, system status {SystemStatus}";
}

/// <summary>The instance did not become ready in time.</summary>
public sealed class InstanceNotReadyException(string message) : Exception(message);

/// <summary>Waits for an instance to be running with both status checks OK, and reads its console's host keys.</summary>
public sealed class InstanceReadiness(IAmazonEC2 ec2, ResiliencePipeline resilience, Action<string> report, TimeSpan pollInterval)
{
    public async Task WaitUntilReadyAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        InstanceHealth? last = null;
        try
        {
            await Polling(timeout).ExecuteAsync(async token =>
            {
                last = await HealthAsync(instanceId, token);
                report($"{instanceId}: {last}");
                if (last.State is "terminated" or "shutting-down" or "stopped" or "stopping")
                    throw new InstanceNotReadyException($"Instance {instanceId} is {last.State}; it will not become ready.");
                return last.IsReady ? last : throw new NotYetException();
            }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutRejectedException or NotYetException)
        {
            throw new InstanceNotReadyException($"Instance {instanceId} was not running with status checks OK after {timeout.TotalSeconds:0} s (last seen: {last?.ToString() ?? "nothing"}); raise --instance-ready-timeout-seconds or look at the instance in the EC2 console.");
        }
    }

    /// <summary>The host keys cloud-init printed to the console; waits for them, as the console output lags the boot.</summary>
    public async Task<IReadOnlyList<HostKey>> HostKeysAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Polling(timeout).ExecuteAsync(async token =>
            {
                var response = await ConsoleOutputAsync(instanceId, token);
                var text = string.IsNullOrEmpty(response.Output) ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(response.Output));
                var keys = ConsoleHostKeys.Parse(text);
                return keys.Count > 0 ? keys : throw new NotYetException();
            }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutRejectedException or NotYetException)
        {
            throw new InstanceNotReadyException($"Instance {instanceId}'s console output shows no SSH host keys after {timeout.TotalSeconds:0} s; cannot pin the host key (--ansible-accept-new-host-key trusts the first key instead).");
        }
    }

    private bool _latestRefused;

    /// <summary>
    /// The latest console output (Latest=true) where EC2 offers it; only Nitro instance types do, so when it is
    /// refused the default (buffered) console output is read instead, from then on.
    /// </summary>
    private async Task<GetConsoleOutputResponse> ConsoleOutputAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!_latestRefused)
        {
            try
            {
                return await resilience.ExecuteAsync(async token =>
                    await ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = instanceId, Latest = true }, token), cancellationToken);
            }
            catch (AmazonEC2Exception e) when (e.StatusCode == System.Net.HttpStatusCode.BadRequest && e.ErrorCode?.StartsWith("InvalidInstanceID", StringComparison.Ordinal) != true)
            {
                _latestRefused = true;
                report($"{instanceId}: the latest console output is refused ({e.ErrorCode}: only Nitro instance types offer it); reading the default console output.");
            }
        }
        return await resilience.ExecuteAsync(async token =>
            await ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = instanceId }, token), cancellationToken);
    }

    private async Task<InstanceHealth> HealthAsync(string instanceId, CancellationToken cancellationToken)
    {
        var response = await resilience.ExecuteAsync(async token => await ec2.DescribeInstanceStatusAsync(
            new DescribeInstanceStatusRequest { InstanceIds = [instanceId], IncludeAllInstances = true }, token), cancellationToken);
        var status = response.InstanceStatuses?.FirstOrDefault();
        return status is null
            ? new InstanceHealth("unknown", "unknown", "unknown")
            : new InstanceHealth(status.InstanceState?.Name?.Value ?? "unknown", status.Status?.Status?.Value ?? "unknown", status.SystemStatus?.Status?.Value ?? "unknown");
    }

    private ResiliencePipeline Polling(TimeSpan timeout) => AwsPolling.Until(timeout, pollInterval);
}
