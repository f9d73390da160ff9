namespace Pipeline.Terraform;

/// <summary>A file that is not a Terraform plan in JSON: one line saying what was found and what was expected.</summary>
public sealed class PlanParseException(string message) : Exception(message);
