using System.Collections.Concurrent;
using System.Text;

namespace Tests.Doubles.Aws;

/// <summary>One observation of an instance: its state and both status checks.</summary>
public sealed record InstanceObservation(string State, string InstanceStatus, string SystemStatus);

/// <summary>An instance whose state moves through a script, one step per DescribeInstanceStatus call.</summary>
public sealed class FakeInstance(string instanceId, params InstanceObservation[] script)
{
    private readonly ConcurrentQueue<InstanceObservation> _script = new(script);
    private InstanceObservation _current = script[0];

    public string InstanceId { get; } = instanceId;

    /// <summary>The console output; empty until cloud-init "prints" it after <see cref="ConsoleAfterCalls"/> reads.</summary>
    public string ConsoleOutput { get; set; } = "";

    public int ConsoleAfterCalls { get; set; }

    /// <summary>A Xen (not Nitro) instance type: GetConsoleOutput with Latest=true is refused.</summary>
    public bool RefusesLatestConsole { get; set; }
    public int ConsoleCalls { get; private set; }

    public InstanceObservation Observe()
    {
        if (_script.TryDequeue(out var next)) _current = next;
        return _current;
    }

    public string ReadConsole() => ++ConsoleCalls > ConsoleAfterCalls ? ConsoleOutput : "";
}

public sealed partial class Ec2Api
{
    public ConcurrentDictionary<string, FakeInstance> Instances { get; } = new();

    public void AddInstance(FakeInstance instance) => Instances[instance.InstanceId] = instance;

    private static readonly Dictionary<string, int> StateCodes = new() { ["pending"] = 0, ["running"] = 16, ["shutting-down"] = 32, ["terminated"] = 48, ["stopping"] = 64, ["stopped"] = 80 };

    private ServerResponse? HandleInstances(string action, Dictionary<string, string> form) => action switch
    {
        "DescribeInstanceStatus" => DescribeInstanceStatus(form),
        "GetConsoleOutput" => GetConsoleOutput(form),
        _ => null,
    };

    private ServerResponse DescribeInstanceStatus(Dictionary<string, string> form)
    {
        var items = new StringBuilder();
        foreach (var id in form.Where(p => p.Key.StartsWith("InstanceId.", StringComparison.Ordinal)).Select(p => p.Value))
        {
            if (!Instances.TryGetValue(id, out var instance))
                return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
            var seen = instance.Observe();
            items.Append($"<item><instanceId>{id}</instanceId><availabilityZone>eu-west-1a</availabilityZone>")
                .Append($"<instanceState><code>{StateCodes.GetValueOrDefault(seen.State)}</code><name>{seen.State}</name></instanceState>")
                .Append($"<systemStatus><status>{seen.SystemStatus}</status><details><item><name>reachability</name><status>{Detail(seen.SystemStatus)}</status></item></details></systemStatus>")
                .Append($"<instanceStatus><status>{seen.InstanceStatus}</status><details><item><name>reachability</name><status>{Detail(seen.InstanceStatus)}</status></item></details></instanceStatus></item>");
        }
        return Ok("DescribeInstanceStatusResponse", $"<instanceStatusSet>{items}</instanceStatusSet>");
    }

    private static string Detail(string status) => status switch { "ok" => "passed", "initializing" => "initializing", _ => "failed" };

    private ServerResponse GetConsoleOutput(Dictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("InstanceId", "");
        if (!Instances.TryGetValue(id, out var instance))
            return Error(400, "InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");
        if (instance.RefusesLatestConsole && form.GetValueOrDefault("Latest") == "true")
            return Error(400, "UnsupportedOperation", "The latest console output is only available on instances built on the Nitro System.");
        var text = instance.ReadConsole();
        var output = text.Length == 0 ? "" : $"<output>{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}</output>";
        return Ok("GetConsoleOutputResponse", $"<instanceId>{id}</instanceId><timestamp>{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}</timestamp>{output}");
    }
}
