using Pipeline.Terraform;

namespace Pipeline.Policies;

/// <summary>
/// Instances (and launch templates that name a type) use a type the environment allows: <c>AllowedInstanceTypes</c>
/// in the environment's profile, .nuke/parameters.&lt;env&gt;.json. An environment without a list allows none.
/// </summary>
public sealed class AllowedInstanceTypesRule : IPolicyRule
{
    public string Id => "allowed-instance-types";
    public string Description => "Instance types come from the environment's AllowedInstanceTypes";

    public bool Watches(string resourceType) => resourceType is "aws_instance" or "aws_launch_template";

    /// <summary>Instances that list their type (a real plan always does), launch templates that name one.</summary>
    public bool AppliesTo(PlannedResource resource) =>
        resource.Type == "aws_instance" && resource.HasAttribute("instance_type")
        || resource.Type == "aws_launch_template" && (resource.Attribute("instance_type") is not null || resource.IsUnknown("instance_type"));

    public IEnumerable<string> Check(PlannedResource resource, PolicyContext context)
    {
        var type = resource.Attribute("instance_type")?.GetString();
        var shown = type is null ? "" : resource.Shown("instance_type", type);
        if (type is null)
            yield return "the instance type is known only after apply; set instance_type to an allowed type";
        else if (context.AllowedInstanceTypes.Count == 0)
            yield return $"instance type {shown}: no types are allowed in {context.Environment}; list them as AllowedInstanceTypes in .nuke/parameters.{context.Environment}.json";
        else if (!context.AllowedInstanceTypes.Contains(type, StringComparer.Ordinal))
            yield return $"instance type {shown} is not allowed in {context.Environment} (allowed: {string.Join(", ", context.AllowedInstanceTypes)})";
    }
}
