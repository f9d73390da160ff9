namespace Pipeline.Feedback;

/// <summary>What feedback says about the run it reports: where it comes from and where to look.</summary>
public sealed record FeedbackRun
{
    public required string RunId { get; init; }
    public required string Project { get; init; }
    public required string Environment { get; init; }
    public string? Commit { get; init; }
    public string? Branch { get; init; }
    public string? Workflow { get; init; }
    public string? WorkflowUrl { get; init; }
    public string? BuildUrl { get; init; }
    public int? PullRequestNumber { get; init; }
    public string? PullRequestUrl { get; init; }
}
