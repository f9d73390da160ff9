using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tests.Doubles.Aws;

public sealed record FakeParameter(string Name, string Value, string Type, string DataType, string? Description, long Version);

/// <summary>SSM's JSON 1.1 API: X-Amz-Target AmazonSSM.&lt;Action&gt;, JSON in and out.</summary>
public sealed class SsmApi
{
    public ConcurrentDictionary<string, FakeParameter> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Every stored version of each parameter, oldest first (SSM keeps the newest 100).</summary>
    public ConcurrentDictionary<string, List<FakeParameter>> Versions { get; } = new(StringComparer.Ordinal);

    /// <summary>Stores a version, as a put that passed validation does.</summary>
    public void Store(FakeParameter parameter)
    {
        Parameters[parameter.Name] = parameter;
        var versions = Versions.GetOrAdd(parameter.Name, _ => []);
        lock (versions)
        {
            versions.Add(parameter);
            if (versions.Count > 100) versions.RemoveAt(0);
        }
    }

    /// <summary>
    /// AWS validates aws:ec2:image values asynchronously: a put answers 200 with the new version, and reads show the
    /// old value until validation ends (after this many reads), or forever when validation fails.
    /// </summary>
    public int ValidationReads { get; set; }

    public bool ValidationFails { get; set; }

    private readonly ConcurrentDictionary<string, (FakeParameter Parameter, int ReadsLeft)> _validating = new(StringComparer.Ordinal);

    public ServerResponse Handle(string action, string body)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        return action switch
        {
            "PutParameter" => Put(request),
            "GetParameter" => Get(request),
            "GetParametersByPath" => GetByPath(request),
            "GetParameterHistory" => History(request),
            "DeleteParameter" => Delete(request),
            _ => Error(400, "InvalidAction", $"Unknown action {action}"),
        };
    }

    private ServerResponse Put(JsonObject request)
    {
        var name = (string)request["Name"]!;
        var overwrite = (bool?)request["Overwrite"] ?? false;
        if (Parameters.TryGetValue(name, out var existing) && !overwrite)
            return Error(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
        var version = (existing?.Version ?? 0) + 1;
        var stored = new FakeParameter(name, (string)request["Value"]!, (string?)request["Type"] ?? "String",
            (string?)request["DataType"] ?? "text", (string?)request["Description"], version);
        if (stored.DataType == "aws:ec2:image" && (ValidationReads > 0 || ValidationFails))
            _validating[name] = (stored, ValidationFails ? int.MaxValue : ValidationReads);
        else
            Store(stored);
        return Json(new JsonObject { ["Version"] = version, ["Tier"] = "Standard" });
    }

    private ServerResponse Get(JsonObject request)
    {
        var name = (string)request["Name"]!;
        if (_validating.TryGetValue(name, out var pending))
        {
            if (pending.ReadsLeft <= 1) { Store(pending.Parameter); _validating.TryRemove(name, out _); }
            else if (pending.ReadsLeft != int.MaxValue) _validating[name] = pending with { ReadsLeft = pending.ReadsLeft - 1 };
        }
        return Parameters.TryGetValue(name, out var parameter)
            ? Json(new JsonObject { ["Parameter"] = ToJson(parameter) })
            : Error(400, "ParameterNotFound", $"Parameter {name} not found.");
    }

    private ServerResponse GetByPath(JsonObject request)
    {
        var path = (string)request["Path"]!;
        var recursive = (bool?)request["Recursive"] ?? false;
        var matching = Parameters.Values.Where(p => p.Name.StartsWith(path, StringComparison.Ordinal)
                && (recursive || !p.Name[path.Length..].Contains('/')))
            .OrderBy(p => p.Name)
            .Select(p => (JsonNode)ToJson(p));
        return Json(new JsonObject { ["Parameters"] = new JsonArray([.. matching]) });
    }

    private ServerResponse History(JsonObject request)
    {
        var name = (string)request["Name"]!;
        if (!Versions.TryGetValue(name, out var versions))
            return Error(400, "ParameterNotFound", $"Parameter {name} not found.");
        List<FakeParameter> copy;
        lock (versions) copy = [.. versions];
        var items = copy.Select(p => { var json = ToJson(p); json["Description"] = p.Description; return (JsonNode)json; });
        return Json(new JsonObject { ["Parameters"] = new JsonArray([.. items]) });
    }

    private ServerResponse Delete(JsonObject request)
    {
        var name = (string)request["Name"]!;
        Versions.TryRemove(name, out _);
        return Parameters.TryRemove(name, out _) ? Json(new JsonObject()) : Error(400, "ParameterNotFound", $"Parameter {name} not found.");
    }

    private static JsonObject ToJson(FakeParameter parameter) => new()
    {
        ["Name"] = parameter.Name,
        ["Type"] = parameter.Type,
        ["Value"] = parameter.Value,
        ["Version"] = parameter.Version,
        ["LastModifiedDate"] = 1.7e9,
        ["ARN"] = $"arn:aws:ssm:eu-west-1:123456789012:parameter{parameter.Name}",
        ["DataType"] = parameter.DataType,
    };

    private static ServerResponse Json(JsonObject body) => new(200, body.ToJsonString(), "application/x-amz-json-1.1");

    public static ServerResponse Error(int status, string code, string message) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }), "application/x-amz-json-1.1");
}
