namespace Pipeline.Aws;

/// <summary>Which images pruning removes: beyond the newest <c>keep</c>, and never one an SSM parameter points to.</summary>
public sealed record PruningDecision(IReadOnlyList<PipelineImage> Keep, IReadOnlyList<PipelineImage> Remove)
{
    public static PruningDecision Decide(IEnumerable<PipelineImage> images, int keep, IReadOnlySet<string> referenced)
    {
        if (keep < 1)
            throw new ArgumentOutOfRangeException(nameof(keep), keep, "Keep at least one image.");
        var newestFirst = images.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.ImageId, StringComparer.Ordinal).ToList();
        var kept = newestFirst.Take(keep).Concat(newestFirst.Skip(keep).Where(i => referenced.Contains(i.ImageId))).ToList();
        return new PruningDecision(kept, [.. newestFirst.Except(kept)]);
    }
}
