using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Ansible;

/// <summary>One host's line of the PLAY RECAP.</summary>
public sealed record HostRecap(string Host, int Ok, int Changed, int Unreachable, int Failed, int Skipped, int Rescued, int Ignored);

/// <summary>A task that failed (or could not reach its host), with Ansible's message.</summary>
public sealed record FailedTask(string Host, string Task, string Message);

/// <summary>
/// What ansible-playbook's default output says happened, read line by line as it streams: the task that is
/// running, the tasks that failed, and the recap per host.
/// </summary>
public sealed partial class PlayRecap
{
    private string _currentTask = "";
    private readonly List<HostRecap> _hosts = [];
    private readonly List<FailedTask> _failures = [];

    public IReadOnlyList<HostRecap> Hosts => _hosts;
    public IReadOnlyList<FailedTask> Failures => _failures;

    public bool Succeeded => _hosts.Count > 0 && _hosts.All(h => h.Failed == 0 && h.Unreachable == 0);

    public void Read(string line)
    {
        if (TaskHeader().Match(line) is { Success: true } task)
        {
            _currentTask = task.Groups[1].Value.Trim();
            return;
        }
        if (Failure().Match(line) is { Success: true } failure)
        {
            _failures.Add(new FailedTask(failure.Groups[2].Value, _currentTask, Message(failure.Groups[3].Value)));
            return;
        }
        if (RecapLine().Match(line) is { Success: true } recap)
        {
            int Number(string name) => int.TryParse(recap.Groups[name].Value, out var n) ? n : 0;
            _hosts.Add(new HostRecap(recap.Groups["host"].Value, Number("ok"), Number("changed"), Number("unreachable"),
                Number("failed"), Number("skipped"), Number("rescued"), Number("ignored")));
        }
    }

    /// <summary>Ansible's JSON result after <c>=&gt;</c>: its msg, or the whole text when it is not JSON.</summary>
    private static string Message(string result)
    {
        try
        {
            using var document = JsonDocument.Parse(result);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("msg", out var msg))
                return msg.ValueKind == JsonValueKind.String ? msg.GetString()!.Trim() : msg.GetRawText();
        }
        catch (JsonException)
        {
        }
        return result.Trim();
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var record = new
        {
            succeeded = Succeeded,
            hosts = _hosts.Select(h => new { host = h.Host, ok = h.Ok, changed = h.Changed, unreachable = h.Unreachable, failed = h.Failed, skipped = h.Skipped, rescued = h.Rescued, ignored = h.Ignored }),
            failures = _failures.Select(f => new { host = f.Host, task = f.Task, message = f.Message }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    [GeneratedRegex(@"^(?:TASK|RUNNING HANDLER) \[(.+?)\] \**\s*$")]
    private static partial Regex TaskHeader();

    [GeneratedRegex(@"^(fatal|failed): \[([^\]]+)\].*?(?:FAILED!|UNREACHABLE!) => (.*)$")]
    private static partial Regex Failure();

    [GeneratedRegex(@"^(?<host>\S+)\s+: ok=(?<ok>\d+)\s+changed=(?<changed>\d+)\s+unreachable=(?<unreachable>\d+)\s+failed=(?<failed>\d+)(?:\s+skipped=(?<skipped>\d+))?(?:\s+rescued=(?<rescued>\d+))?(?:\s+ignored=(?<ignored>\d+))?")]
    private static partial Regex RecapLine();
}
