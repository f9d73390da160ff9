using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// One guard rail, judged on every resource of a plan that will exist after apply (created, updated, replaced or
/// unchanged: an existing violation counts until it is fixed or waived). A rule that applies to a resource has
/// evaluated it, whether or not it found anything wrong.
/// </summary>
public interface IPolicyRule
{
    /// <summary>Kebab-case name used in reports and waivers: <c>no-public-ingress</c>.</summary>
    string Id { get; }

    /// <summary>What the rule requires, in one line.</summary>
    string Description { get; }

    /// <summary>Whether the rule may apply to resources of this type (the plan reader keeps only their values).</summary>
    bool Watches(string resourceType);

    /// <summary>Whether the rule judges this resource (a watched type may still not apply: an untaggable resource).</summary>
    bool AppliesTo(PlannedResource resource) => Watches(resource.Type);

    /// <summary>What is wrong with the resource, one line each; empty when it complies.</summary>
    IEnumerable<string> Check(PlannedResource resource, PolicyContext context);
}

/// <summary>What rules may depend on besides the plan: the environment and its profile's settings.</summary>
public sealed record PolicyContext(string Environment, IReadOnlyList<string> AllowedInstanceTypes);
