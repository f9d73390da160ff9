using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace BuildEngine.CircleCi;

/// <summary>A short list written on one line (<c>requires: [Plan, Check]</c>), as people write CircleCI configs.</summary>
public sealed class FlowSequence : List<object>
{
    public FlowSequence(IEnumerable<object> items) : base(items) { }
}

/// <summary>A small mapping written on one line (<c>profile: {type: string, default: dev}</c>).</summary>
public sealed class FlowMapping : Dictionary<string, object?>
{
    public FlowMapping() : base(StringComparer.Ordinal) { }
}

/// <summary>Writes <see cref="FlowSequence"/> and <see cref="FlowMapping"/> in flow style; YamlDotNet still quotes their scalars.</summary>
internal sealed class YamlFlowStyle(IEventEmitter next) : ChainedEventEmitter(next)
{
    /// <summary>A list of scalars on one line when it stays this short; longer ones stay one item per line.</summary>
    public const int MaximumLength = 72;

    public override void Emit(SequenceStartEventInfo eventInfo, IEmitter emitter)
    {
        if (eventInfo.Source.Type == typeof(FlowSequence)) eventInfo.Style = SequenceStyle.Flow;
        base.Emit(eventInfo, emitter);
    }

    public override void Emit(MappingStartEventInfo eventInfo, IEmitter emitter)
    {
        if (eventInfo.Source.Type == typeof(FlowMapping)) eventInfo.Style = MappingStyle.Flow;
        base.Emit(eventInfo, emitter);
    }

    /// <summary>
    /// The document with every short list of plain words in flow style (contexts, requires, branches, paths); lists
    /// of mappings, and words YAML would have to quote in a flow list, stay in block style.
    /// </summary>
    public static object? Compact(object? node) => node switch
    {
        FlowMapping flow => flow,
        Dictionary<string, object?> mapping => mapping.ToDictionary(e => e.Key, e => Compact(e.Value), StringComparer.Ordinal),
        FlowSequence flow => flow,
        List<object> list when list.All(IsWord) && list.Sum(i => i.ToString()!.Length + 2) <= MaximumLength => new FlowSequence(list),
        List<object> list => list.Select(i => Compact(i)!).ToList(),
        _ => node,
    };

    private static bool IsWord(object item) =>
        item is string text && !text.Any(c => c is ',' or '[' or ']' or '{' or '}' or '"' or '\'' or '#' or ':' || char.IsControl(c));
}
