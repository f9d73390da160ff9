using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;

namespace Pipeline.Terraform;

/// <summary>
/// The state machine behind <see cref="PlanReader"/>: it sees one token at a time and keeps only what a summary
/// needs — names of the few properties it looks at (as codes, not strings), and one change entry at a time.
/// </summary>
internal sealed partial class PlanVisitor(string source, PlannedResourceSink? sink = null)
{
    private enum Name : byte { Other, FormatVersion, TerraformVersion, ResourceChanges, ResourceDrift, OutputChanges, PlannedValues, Address, Mode, Type, ResourceName, Index, ModuleAddress, Change, Actions, Before, After, AfterUnknown, AfterSensitive }

    private const int TrackedDepth = 6;
    private readonly Name[] _names = new Name[TrackedDepth + 1];
    private int _depth;
    private bool _sawRoot;
    private bool _looksLikePlan;
    private string? _formatVersion;
    private string? _terraformVersion;

    // The entry being read (a resource change, a drift entry or an output change).
    private readonly List<string> _actions = [];
    private string? _address, _mode, _type, _resourceName, _index, _moduleAddress, _outputName;

    /// <summary>Addresses by action, indexed by the action's value.</summary>
    private readonly List<string>?[] _resources = new List<string>?[PlanSummary.Actions.Length];
    private readonly List<OutputChange> _outputs = [];
    private readonly DriftAnalysis _driftAnalysis = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Visit(ref Utf8JsonReader reader)
    {
        if (_capturing)
            Capture(ref reader);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                if (_depth == 0)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw NotAPlan("the JSON is an array");
                    _sawRoot = true;
                }
                _depth++;
                if (_depth <= TrackedDepth) _names[_depth] = Name.Other;
                if (_depth == 3 && reader.TokenType == JsonTokenType.StartObject && InEntryList) StartEntry();
                break;

            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                if (_depth == 3 && reader.TokenType == JsonTokenType.EndObject)
                {
                    if (_names[1] is Name.ResourceChanges) EndResourceChange();
                    else if (_names[1] is Name.ResourceDrift) EndDrift();
                    else if (_names[1] is Name.OutputChanges) EndOutput();
                }
                _depth--;
                break;

            case JsonTokenType.PropertyName:
                if (_depth <= TrackedDepth) _names[_depth] = Classify(ref reader);
                if (WantsValues()) StartCapture();
                _skipRequested = !IsNeeded();
                if (_depth == 1 && _names[1] is Name.ResourceChanges or Name.OutputChanges or Name.PlannedValues)
                    _looksLikePlan = true;
                if (_depth == 2 && _names[1] == Name.OutputChanges)
                {
                    _outputName = reader.GetString();
                    _actions.Clear();
                }
                break;

            case JsonTokenType.String:
            case JsonTokenType.Number:
                OnValue(ref reader);
                break;

            default:
                if (_depth == 0) throw NotAPlan($"the JSON is a {reader.TokenType}");
                break;
        }
    }

    private bool InEntryList => _names[1] is Name.ResourceChanges or Name.ResourceDrift;

    private bool _skipRequested;

    /// <summary>Whether the property just read has a value the summary never reads (the reader may skip it); asked once.</summary>
    public bool TakeSkipRequest()
    {
        var requested = _skipRequested;
        _skipRequested = false;
        return requested;
    }

    /// <summary>Whether the value of the property just read feeds the summary (before, after, prior_state… do not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsNeeded() => _depth switch
    {
        1 => _names[1] is Name.FormatVersion or Name.TerraformVersion or Name.ResourceChanges or Name.ResourceDrift or Name.OutputChanges,
        2 => _names[1] == Name.OutputChanges,
        3 when InEntryList => _names[3] is Name.Address or Name.Mode or Name.Type or Name.ResourceName or Name.Index or Name.ModuleAddress or Name.Change,
        3 => _names[1] == Name.OutputChanges && _names[3] == Name.Actions,
        4 => InEntryList && _names[3] == Name.Change && (_names[4] == Name.Actions || _capturing),
        _ => true,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnValue(ref Utf8JsonReader reader)
    {
        if (_depth == 0) throw NotAPlan($"the JSON is a {reader.TokenType}");
        if (_depth == 1)
        {
            if (_names[1] == Name.FormatVersion) _formatVersion = reader.GetString();
            else if (_names[1] == Name.TerraformVersion) _terraformVersion = reader.GetString();
            return;
        }
        if (InEntryList)
        {
            // Terraform writes the address first; the parts it is made of are kept only for entries without one.
            if (_depth == 3 && _names[3] is Name.Type or Name.Mode)
            {
                if (_names[3] == Name.Type) _type = reader.GetString(); else _mode = reader.GetString();
            }
            else if (_depth == 3 && (_names[3] == Name.Address || _address is null))
            {
                switch (_names[3])
                {
                    case Name.Address: _address = reader.GetString(); break;
                    case Name.Mode: _mode = reader.GetString(); break;
                    case Name.Type: _type = reader.GetString(); break;
                    case Name.ResourceName: _resourceName = reader.GetString(); break;
                    case Name.ModuleAddress: _moduleAddress = reader.GetString(); break;
                    case Name.Index:
                        _index = reader.TokenType == JsonTokenType.Number ? $"[{reader.GetInt64()}]" : $"[\"{reader.GetString()}\"]";
                        break;
                }
            }
            else if (_depth == 5 && _names[3] == Name.Change && _names[4] == Name.Actions && reader.TokenType == JsonTokenType.String)
            {
                _actions.Add(ActionName(ref reader));
            }
        }
        else if (_names[1] == Name.OutputChanges && _depth == 4 && _names[3] == Name.Actions && reader.TokenType == JsonTokenType.String)
        {
            _actions.Add(ActionName(ref reader));
        }
    }

    /// <summary>The known action names without allocating a string per resource.</summary>
    private static string ActionName(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("create"u8) ? "create"
        : reader.ValueTextEquals("update"u8) ? "update"
        : reader.ValueTextEquals("delete"u8) ? "delete"
        : reader.ValueTextEquals("no-op"u8) ? "no-op"
        : reader.ValueTextEquals("read"u8) ? "read"
        : reader.GetString()!;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Name Classify(ref Utf8JsonReader reader)
    {
        var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return span switch
        {
            _ when span.SequenceEqual("format_version"u8) => Name.FormatVersion,
            _ when span.SequenceEqual("terraform_version"u8) => Name.TerraformVersion,
            _ when span.SequenceEqual("resource_changes"u8) => Name.ResourceChanges,
            _ when span.SequenceEqual("resource_drift"u8) => Name.ResourceDrift,
            _ when span.SequenceEqual("output_changes"u8) => Name.OutputChanges,
            _ when span.SequenceEqual("planned_values"u8) => Name.PlannedValues,
            _ when span.SequenceEqual("address"u8) => Name.Address,
            _ when span.SequenceEqual("mode"u8) => Name.Mode,
            _ when span.SequenceEqual("type"u8) => Name.Type,
            _ when span.SequenceEqual("name"u8) => Name.ResourceName,
            _ when span.SequenceEqual("index"u8) => Name.Index,
            _ when span.SequenceEqual("module_address"u8) => Name.ModuleAddress,
            _ when span.SequenceEqual("change"u8) => Name.Change,
            _ when span.SequenceEqual("actions"u8) => Name.Actions,
            _ when span.SequenceEqual("before"u8) => Name.Before,
            _ when span.SequenceEqual("after"u8) => Name.After,
            _ when span.SequenceEqual("after_unknown"u8) => Name.AfterUnknown,
            _ when span.SequenceEqual("after_sensitive"u8) => Name.AfterSensitive,
            _ => Name.Other,
        };
    }

    private void StartEntry()
    {
        _actions.Clear();
        _address = _mode = _type = _resourceName = _index = _moduleAddress = null;
        _before = _after = _afterUnknown = _afterSensitive = null;
        _capture = null;
        _capturing = false;
    }

    /// <summary>Drift entries of Terraform 1.0 have no address: it is rebuilt from module, mode, type, name, index.</summary>
    private string EntryAddress()
    {
        if (_address is not null) return _address;
        var local = $"{(_mode == "data" ? "data." : "")}{_type ?? "?"}.{_resourceName ?? "?"}{_index}";
        return _moduleAddress is null ? local : $"{_moduleAddress}.{local}";
    }

    private Dictionary<PlanAction, IReadOnlyList<string>> ResourcesByAction()
    {
        var resources = new Dictionary<PlanAction, IReadOnlyList<string>>();
        foreach (var action in PlanSummary.Actions)
        {
            if (_resources[(int)action] is { } list) resources[action] = list;
        }
        return resources;
    }

    private void EndResourceChange()
    {
        var action = Classify(_actions)
            ?? throw new PlanParseException($"{source}: resource change {EntryAddress()} has actions [{string.Join(", ", _actions)}]; expected create, update, delete, read, no-op, forget or a replacement.");
        var list = _resources[(int)action] ??= [];
        var address = EntryAddress();
        list.Add(address);
        if (_type is null || _mode is not (null or "managed"))
            return;
        if (sink is not null && sink.Watches(_type))
            sink.OnResource(new PlannedResource(address, _type, action, _after, _afterUnknown, _afterSensitive));
        if (SecurityGroupRule.IsTracked(_type))
            _driftAnalysis.AddRefreshed(address, _type, _before);
    }

    private void EndDrift()
    {
        if (_mode is null or "managed")
            _driftAnalysis.AddDrift(EntryAddress(), _type, _before, _after);
    }

    private void EndOutput()
    {
        if (_outputName is not null)
            _outputs.Add(new OutputChange(_outputName, string.Join("+", _actions)));
    }

    internal static PlanAction? Classify(IReadOnlyList<string> actions) => actions switch
    {
        ["create"] => PlanAction.Create,
        ["update"] => PlanAction.Update,
        ["delete"] => PlanAction.Delete,
        ["delete", "create"] or ["create", "delete"] => PlanAction.Replace,
        ["read"] => PlanAction.Read,
        ["no-op"] => PlanAction.NoOp,
        ["forget"] => PlanAction.Forget,
        _ => null,
    };

    public PlanSummary Finish()
    {
        if (!_sawRoot)
            throw NotAPlan("the file is empty");
        if (_depth != 0)
            throw new PlanParseException($"{source} ends in the middle of the JSON; expected the complete output of 'terraform show -json <planfile>'.");
        if (_formatVersion is null)
            throw NotAPlan("it has no format_version");
        if (!_formatVersion.StartsWith("0.", StringComparison.Ordinal) && !_formatVersion.StartsWith("1.", StringComparison.Ordinal))
            throw new PlanParseException($"{source} has plan format_version {_formatVersion}; expected 0.x or 1.x.");
        if (!_looksLikePlan)
            throw NotAPlan("it has neither planned_values nor resource_changes (is it a state file?)");
        var (drifted, driftIgnored) = _driftAnalysis.Finish();
        return new PlanSummary
        {
            FormatVersion = _formatVersion,
            TerraformVersion = _terraformVersion,
            Resources = ResourcesByAction(),
            Outputs = _outputs,
            Drift = [.. drifted.Select(d => d.Address)],
            DriftDetails = drifted,
            DriftIgnored = driftIgnored,
        };
    }

    private PlanParseException NotAPlan(string why) =>
        new($"{source} is not a Terraform plan: {why}; expected the output of 'terraform show -json <planfile>'.");
}
