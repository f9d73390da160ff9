using Pipeline.Aws;
using Tests.Doubles.Aws;

namespace Tests.Aws;

/// <summary>
/// PruneImages against our local AWS server: moto cannot answer InvalidSnapshot.InUse after a deregistration or honour
/// DeleteAssociatedSnapshots as EC2 does. The plain flow against moto is in <see cref="MotoAwsTests"/>.
/// </summary>
public sealed class PruneImagesTests : IDisposable
{
    private readonly PipelineRun _run = new();
    private readonly AwsServer _aws = new();

    public PruneImagesTests()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 5; i++)
        {
            _aws.Ec2.AddImage(new FakeImage($"ami-0000000000000000{i}", $"gitops-web-dev-{i}", now.AddDays(-i),
                new Dictionary<string, string> { ["Project"] = "gitops-demo", ["InputsHash"] = $"hash{i}" }, [$"snap-{i}a", $"snap-{i}b"]));
        }
        _aws.Ec2.AddImage(new FakeImage("ami-0other0000000001", "other", now.AddDays(-30),
            new Dictionary<string, string> { ["Project"] = "someone-else" }, ["snap-other"]));
        // The oldest image is still what prod runs.
        _aws.Ssm.Store(new FakeParameter("/gitops-demo/prod/ami-id", "ami-00000000000000005", "String", "aws:ec2:image", null, 1));
    }

    public void Dispose()
    {
        _run.Dispose();
        _aws.Dispose();
    }

    [Fact]
    public async Task Keeps_the_newest_and_the_referenced_images_and_deletes_the_others_with_their_snapshots()
    {
        var outcome = await _run.RunAsync(["PruneImages", "--keep-images", "2"], _aws.Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(["ami-00000000000000001", "ami-00000000000000002", "ami-00000000000000005", "ami-0other0000000001"], _aws.Ec2.Images.Keys.Order());
        Assert.Equal(["snap-3a", "snap-3b", "snap-4a", "snap-4b"], _aws.Ec2.DeletedSnapshots.Order());
        Assert.Equal(0, _aws.CountOf("DeleteSnapshot"));
        Assert.Contains("removed 2, kept 3", outcome.Output);
    }

    [Fact]
    public async Task A_snapshot_still_in_use_after_deregistration_is_waited_for_not_orphaned()
    {
        // An endpoint that ignores DeleteAssociatedSnapshots, and EC2 calling the snapshot in use for a while:
        // moto cannot be made to answer InvalidSnapshot.InUse after the image is gone, our server can.
        _aws.Ec2.HonoursDeleteAssociatedSnapshots = false;
        _aws.FailNext("DeleteSnapshot", 2, new Fault(400, "InvalidSnapshot.InUse", "The snapshot snap-3a is currently in use by ami-00000000000000003"));

        var outcome = await _run.RunAsync(["PruneImages", "--keep-images", "2"], _aws.Environment());

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(["snap-3a", "snap-3b", "snap-4a", "snap-4b"], _aws.Ec2.DeletedSnapshots.Order());
        Assert.Equal(6, _aws.CountOf("DeleteSnapshot"));
    }

    [Fact]
    public async Task A_snapshot_that_stays_in_use_fails_the_target_naming_it()
    {
        _aws.Ec2.HonoursDeleteAssociatedSnapshots = false;
        _aws.FailNext("DeleteSnapshot", 20, new Fault(400, "InvalidSnapshot.InUse", "The snapshot is currently in use"));

        var outcome = await _run.RunAsync(["PruneImages", "--keep-images", "2", "--aws-retry-base-delay-ms", "1"], _aws.Environment());

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("Snapshot snap-3a of deregistered ami-00000000000000003 is still in use after 8 tries; delete it once free: aws ec2 delete-snapshot --snapshot-id snap-3a.", outcome.Output);
    }

    [Fact]
    public async Task Preview_lists_what_would_go_and_touches_nothing()
    {
        var outcome = await _run.RunAsync(["PruneImages", "--keep-images", "2", "--prune-preview"], _aws.Environment());

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(6, _aws.Ec2.Images.Count);
        Assert.Empty(_aws.Ec2.DeletedSnapshots);
        Assert.Equal(0, _aws.CountOf("DeregisterImage"));
        Assert.Contains("would remove ami-00000000000000003", outcome.Output);
        Assert.Contains("preview: would remove 2, keep 3", outcome.Output);
    }

    [Fact]
    public void Keeping_fewer_than_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PruningDecision.Decide([], 0, new HashSet<string>()));
    }
}
