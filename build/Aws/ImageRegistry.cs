using Amazon.EC2;
using Amazon.EC2.Model;
using Polly;
using Polly.Retry;

namespace Pipeline.Aws;

/// <summary>An AMI of this pipeline, with what pruning needs to know.</summary>
public sealed record PipelineImage(string ImageId, string Name, DateTimeOffset CreatedAt, IReadOnlyList<string> SnapshotIds, string? InputsHash);

/// <summary>The pipeline's AMIs in EC2: found by their inputs-hash tag, listed by project, deregistered with their snapshots.</summary>
public sealed class ImageRegistry(IAmazonEC2 ec2, ResiliencePipeline resilience, TimeSpan snapshotRetryDelay)
{
    public const string ProjectTag = "Project";
    public const string InputsHashTag = "InputsHash";

    /// <summary>An available image of ours (owner self) whose inputs hash matches, newest first.</summary>
    public async Task<PipelineImage?> FindByInputsHashAsync(string project, string inputsHash, CancellationToken cancellationToken)
    {
        var images = await DescribeAsync([
            new Filter { Name = $"tag:{InputsHashTag}", Values = [inputsHash] },
            new Filter { Name = $"tag:{ProjectTag}", Values = [project] },
            new Filter { Name = "state", Values = ["available"] },
        ], cancellationToken);
        return images.OrderByDescending(i => i.CreatedAt).FirstOrDefault();
    }

    public Task<IReadOnlyList<PipelineImage>> ListAsync(string project, CancellationToken cancellationToken) =>
        DescribeAsync([new Filter { Name = $"tag:{ProjectTag}", Values = [project] }], cancellationToken);

    /// <summary>
    /// Deregisters the image with its snapshots (DeregisterImage's DeleteAssociatedSnapshots). A snapshot the
    /// endpoint did not report deleted is deleted here; EC2 refuses that with InvalidSnapshot.InUse for a while after
    /// the deregistration, so that error is waited out rather than leaving a snapshot no later run would find.
    /// </summary>
    public async Task DeregisterAsync(PipelineImage image, CancellationToken cancellationToken)
    {
        var response = await resilience.ExecuteAsync(async token =>
            await ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = image.ImageId, DeleteAssociatedSnapshots = true }, token), cancellationToken);
        var deleted = (response.DeleteSnapshotResults ?? [])
            .Where(r => r.ReturnCode == SnapshotReturnCodes.Success)
            .Select(r => r.SnapshotId)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var snapshot in image.SnapshotIds.Where(s => !deleted.Contains(s)))
            await DeleteSnapshotAsync(image, snapshot, cancellationToken);
    }

    private async Task DeleteSnapshotAsync(PipelineImage image, string snapshot, CancellationToken cancellationToken)
    {
        try
        {
            await SnapshotRelease.ExecuteAsync(async outer => await resilience.ExecuteAsync(async token =>
                await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshot }, token), outer), cancellationToken);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidSnapshot.NotFound")
        {
            // Already gone: what we wanted.
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == SnapshotInUse)
        {
            throw new InvalidOperationException($"Snapshot {snapshot} of deregistered {image.ImageId} is still in use after {SnapshotReleaseAttempts} tries; delete it once free: aws ec2 delete-snapshot --snapshot-id {snapshot}.");
        }
    }

    private const string SnapshotInUse = "InvalidSnapshot.InUse";
    private const int SnapshotReleaseAttempts = 8;

    private ResiliencePipeline SnapshotRelease => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<AmazonEC2Exception>(e => e.ErrorCode == SnapshotInUse),
            MaxRetryAttempts = SnapshotReleaseAttempts,
            BackoffType = DelayBackoffType.Exponential,
            Delay = snapshotRetryDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
        })
        .Build();

    private async Task<IReadOnlyList<PipelineImage>> DescribeAsync(List<Filter> filters, CancellationToken cancellationToken)
    {
        var images = new List<PipelineImage>();
        string? nextToken = null;
        do
        {
            var request = new DescribeImagesRequest { Owners = ["self"], Filters = filters, NextToken = nextToken };
            var response = await resilience.ExecuteAsync(async token => await ec2.DescribeImagesAsync(request, token), cancellationToken);
            images.AddRange((response.Images ?? []).Select(ToPipelineImage));
            nextToken = response.NextToken;
        } while (!string.IsNullOrEmpty(nextToken));
        return images;
    }

    private static PipelineImage ToPipelineImage(Image image) => new(
        image.ImageId,
        image.Name ?? "",
        DateTimeOffset.TryParse(image.CreationDate, out var created) ? created : DateTimeOffset.MinValue,
        [.. (image.BlockDeviceMappings ?? []).Where(m => m.Ebs?.SnapshotId is not null).Select(m => m.Ebs.SnapshotId)],
        image.Tags?.FirstOrDefault(t => t.Key == InputsHashTag)?.Value);
}
