using System.Text.Json.Nodes;

namespace Tests.CircleCi;

/// <summary>
/// What CircleCI makes of a config before it runs it (as <c>circleci config process</c> shows): each job's executor
/// merged into the job (the job's own environment and resource class win), each reusable command replaced by its steps
/// with its parameters filled in, and a <c>when</c> step whose condition became a literal kept or dropped. Job
/// parameters stay as they are: a workflow fills them in.
/// </summary>
public static class ConfigProcessing
{
    public static JsonObject Process(string yaml) => Process(YamlJson.Convert(yaml)!.AsObject());

    public static JsonObject Process(JsonObject config)
    {
        var result = config.DeepClone().AsObject();
        var executors = config["executors"]?.AsObject();
        var commands = config["commands"]?.AsObject();
        foreach (var (name, node) in result["jobs"]!.AsObject().ToList())
        {
            var job = node!.AsObject();
            if (job["executor"] is { } executorNode)
            {
                var executorName = executorNode is JsonObject reference ? (string)reference["name"]! : (string)executorNode!;
                var executor = executors?[executorName]?.AsObject() ?? throw new InvalidOperationException($"Job {name}: executor {executorName} is not defined.");
                job.Remove("executor");
                job["docker"] ??= executor["docker"]?.DeepClone();
                job["resource_class"] ??= executor["resource_class"]?.DeepClone();
                var environment = executor["environment"]?.DeepClone().AsObject() ?? [];
                foreach (var (key, value) in job["environment"]?.AsObject() ?? []) environment[key] = value?.DeepClone();
                if (environment.Count > 0) job["environment"] = environment;
            }
            job["steps"] = Expand(job["steps"]!.AsArray(), commands, name);
        }
        result.Remove("executors");
        result.Remove("commands");
        return result;
    }

    private static JsonArray Expand(JsonArray steps, JsonObject? commands, string where)
    {
        var expanded = new JsonArray();
        foreach (var step in steps)
        {
            var (name, arguments) = step is JsonObject map ? (map.Single().Key, map.Single().Value as JsonObject) : ((string)step!, null);
            if (commands?[name] is JsonObject command)
            {
                var values = new Dictionary<string, JsonNode?>();
                foreach (var (parameter, declaration) in command["parameters"]?.AsObject() ?? [])
                    values[parameter] = arguments?[parameter]?.DeepClone() ?? declaration?["default"]?.DeepClone();
                foreach (var argument in arguments ?? [])
                    if (!values.ContainsKey(argument.Key)) throw new InvalidOperationException($"{where}: command {name} has no parameter {argument.Key}.");
                var body = Substitute(command["steps"]!.DeepClone(), values)!.AsArray();
                foreach (var inner in Expand(body, commands, where)) expanded.Add(inner?.DeepClone());
            }
            else if (name == "when" && arguments?["condition"] is JsonValue condition && Literal(condition) is { } holds)
            {
                if (holds)
                    foreach (var inner in Expand(arguments["steps"]!.AsArray(), commands, where)) expanded.Add(inner?.DeepClone());
            }
            else if (name == "when")
            {
                var kept = arguments!.DeepClone().AsObject();
                kept["steps"] = Expand(arguments["steps"]!.AsArray(), commands, where);
                expanded.Add(new JsonObject { ["when"] = kept });
            }
            else
            {
                expanded.Add(step?.DeepClone());
            }
        }
        return expanded;
    }

    /// <summary>A condition CircleCI can already decide: a boolean, or a string without parameters (true when not empty).</summary>
    private static bool? Literal(JsonValue condition)
    {
        if (condition.TryGetValue<bool>(out var flag)) return flag;
        var text = condition.ToString();
        return text.Contains("<<", StringComparison.Ordinal) ? null : text.Length > 0 && text != "false";
    }

    private static JsonNode? Substitute(JsonNode? node, IReadOnlyDictionary<string, JsonNode?> values) => node switch
    {
        JsonObject map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key, Substitute(e.Value, values)))),
        JsonArray list => new JsonArray([.. list.Select(i => Substitute(i, values))]),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => Fill(value.ToString(), values),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Fill(string text, IReadOnlyDictionary<string, JsonNode?> values)
    {
        foreach (var (name, value) in values)
        {
            var expression = $"<< parameters.{name} >>";
            if (text == expression) return value?.DeepClone();
            text = text.Replace(expression, value?.ToString() ?? "", StringComparison.Ordinal);
        }
        return JsonValue.Create(text);
    }
}
