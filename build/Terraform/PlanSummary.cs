namespace Pipeline.Terraform;

/// <summary>What one resource change does, from <c>change.actions</c>.</summary>
public enum PlanAction
{
    Create,
    Update,
    Delete,

    /// <summary><c>["delete","create"]</c> or <c>["create","delete"]</c> (create before destroy).</summary>
    Replace,

    Read,
    NoOp,

    /// <summary><c>["forget"]</c> (Terraform 1.7 <c>removed</c> blocks): leaves state without destroying.</summary>
    Forget,
}

/// <summary>An output whose value the plan changes.</summary>
public sealed record OutputChange(string Name, string Action);

/// <summary>
/// A plan in numbers and addresses: what is created, updated, deleted, replaced, read or left alone, the output
/// changes, and what drifted outside Terraform (by attribute name; a security group's rules as rules). Never any
/// other attribute value.
/// </summary>
public sealed record PlanSummary
{
    public required string FormatVersion { get; init; }
    public string? TerraformVersion { get; init; }
    public required IReadOnlyDictionary<PlanAction, IReadOnlyList<string>> Resources { get; init; }
    public required IReadOnlyList<OutputChange> Outputs { get; init; }
    /// <summary>Addresses of the resources changed outside Terraform (read-back noise left out: see DriftAnalysis).</summary>
    public required IReadOnlyList<string> Drift { get; init; }

    /// <summary>What changed on each drifted resource, in the order of <see cref="Drift"/>.</summary>
    public IReadOnlyList<DriftedResource> DriftDetails { get; init; } = [];

    /// <summary>Differences in <c>resource_drift</c> that are not changes, and why each is not.</summary>
    public IReadOnlyList<string> DriftIgnored { get; init; } = [];

    public IReadOnlyList<string> this[PlanAction action] => Resources.TryGetValue(action, out var list) ? list : [];

    public int Count(PlanAction action) => this[action].Count;

    /// <summary>Anything that would change real infrastructure or outputs on apply.</summary>
    public bool HasChanges =>
        Count(PlanAction.Create) + Count(PlanAction.Update) + Count(PlanAction.Delete) + Count(PlanAction.Replace) + Count(PlanAction.Forget) > 0
        || Outputs.Any(o => o.Action != "no-op");

    /// <summary>Whether applying would destroy anything (a deletion, or the delete half of a replacement).</summary>
    public bool Destroys => Count(PlanAction.Delete) + Count(PlanAction.Replace) > 0;

    public string OneLine => HasChanges
        ? $"{Count(PlanAction.Create)} to add, {Count(PlanAction.Update)} to change, {Count(PlanAction.Delete)} to destroy, {Count(PlanAction.Replace)} to replace"
        : "no changes";

    /// <summary>Every action, in declaration order (what <c>Enum.GetValues</c> gives, without its reflection).</summary>
    public static readonly PlanAction[] Actions =
        [PlanAction.Create, PlanAction.Update, PlanAction.Delete, PlanAction.Replace, PlanAction.Read, PlanAction.NoOp, PlanAction.Forget];

    /// <summary>Actions in the order people should read them: what destroys first.</summary>
    public static readonly PlanAction[] ReadingOrder =
        [PlanAction.Delete, PlanAction.Replace, PlanAction.Forget, PlanAction.Create, PlanAction.Update, PlanAction.Read, PlanAction.NoOp];

    public static string Label(PlanAction action) => action switch
    {
        PlanAction.NoOp => "no-op",
        _ => action.ToString().ToLowerInvariant(),
    };
}
