using System.Collections.Concurrent;
using System.Security;
using System.Text;

namespace Tests.Doubles.Aws;

public sealed record FakeImage(string ImageId, string Name, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> SnapshotIds, string State = "available");

/// <summary>EC2's Query API: form-encoded requests, XML responses in the 2016-11-15 namespace.</summary>
public sealed partial class Ec2Api
{
    private const string Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public ConcurrentDictionary<string, FakeImage> Images { get; } = new();
    public ConcurrentBag<string> DeletedSnapshots { get; } = [];

    /// <summary>The filters of every DescribeImages call, for assertions.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> DescribeImagesRequests { get; } = new();

    /// <summary>DeregisterImage deletes the snapshots when asked (as EC2 does since 2025); off, an endpoint that ignores it.</summary>
    public bool HonoursDeleteAssociatedSnapshots { get; set; } = true;

    public void AddImage(FakeImage image) => Images[image.ImageId] = image;

    public ServerResponse Handle(string action, Dictionary<string, string> form) => action switch
    {
        "DescribeImages" => DescribeImages(form),
        "DeregisterImage" => Deregister(form),
        "DeleteSnapshot" => DeleteSnapshot(form),
        _ => HandleInstances(action, form) ?? Error(400, "InvalidAction", $"The action {action} is not valid for this web service."),
    };

    private ServerResponse DescribeImages(Dictionary<string, string> form)
    {
        DescribeImagesRequests.Enqueue(form);
        var filters = Filters(form);
        var owners = form.Where(p => p.Key.StartsWith("Owner.", StringComparison.Ordinal)).Select(p => p.Value).ToList();
        var matching = Images.Values.Where(image => owners.Count == 0 || owners.Contains("self"))
            .Where(image => filters.All(filter => Matches(image, filter.Key, filter.Value)))
            .OrderBy(i => i.ImageId);
        var items = new StringBuilder();
        foreach (var image in matching)
        {
            items.Append($"<item><imageId>{image.ImageId}</imageId><imageLocation>123456789012/{X(image.Name)}</imageLocation>")
                .Append($"<imageState>{image.State}</imageState><imageOwnerId>123456789012</imageOwnerId>")
                .Append($"<creationDate>{image.CreatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}</creationDate><isPublic>false</isPublic>")
                .Append("<architecture>x86_64</architecture><imageType>machine</imageType>")
                .Append($"<name>{X(image.Name)}</name><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName><blockDeviceMapping>");
            foreach (var snapshot in image.SnapshotIds)
                items.Append($"<item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>{snapshot}</snapshotId><volumeSize>8</volumeSize><deleteOnTermination>true</deleteOnTermination><volumeType>gp3</volumeType><encrypted>true</encrypted></ebs></item>");
            items.Append("</blockDeviceMapping><virtualizationType>hvm</virtualizationType><tagSet>");
            foreach (var (key, value) in image.Tags)
                items.Append($"<item><key>{X(key)}</key><value>{X(value)}</value></item>");
            items.Append("</tagSet><hypervisor>xen</hypervisor></item>");
        }
        return Ok("DescribeImagesResponse", $"<imagesSet>{items}</imagesSet>");
    }

    private ServerResponse Deregister(Dictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("ImageId", "");
        if (!Images.TryRemove(id, out var image))
            return Error(400, "InvalidAMIID.NotFound", $"The image id '[{id}]' does not exist");
        if (!HonoursDeleteAssociatedSnapshots || form.GetValueOrDefault("DeleteAssociatedSnapshots") != "true")
            return Ok("DeregisterImageResponse", "<return>true</return>");
        var results = new StringBuilder();
        foreach (var snapshot in image.SnapshotIds)
        {
            DeletedSnapshots.Add(snapshot);
            results.Append($"<item><snapshotId>{snapshot}</snapshotId><returnCode>success</returnCode></item>");
        }
        return Ok("DeregisterImageResponse", $"<return>true</return><deleteSnapshotResultSet>{results}</deleteSnapshotResultSet>");
    }

    private ServerResponse DeleteSnapshot(Dictionary<string, string> form)
    {
        var id = form.GetValueOrDefault("SnapshotId", "");
        if (Images.Values.Any(i => i.SnapshotIds.Contains(id)))
            return Error(400, "InvalidSnapshot.InUse", $"The snapshot {id} is currently in use by an AMI");
        DeletedSnapshots.Add(id);
        return Ok("DeleteSnapshotResponse", "<return>true</return>");
    }

    private static bool Matches(FakeImage image, string name, IReadOnlyList<string> values) => name switch
    {
        "state" => values.Contains(image.State),
        "image-id" => values.Contains(image.ImageId),
        _ when name.StartsWith("tag:", StringComparison.Ordinal) =>
            image.Tags.TryGetValue(name[4..], out var value) && values.Contains(value),
        _ => true,
    };

    internal static Dictionary<string, IReadOnlyList<string>> Filters(Dictionary<string, string> form)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>();
        for (var i = 1; form.TryGetValue($"Filter.{i}.Name", out var name); i++)
        {
            var values = new List<string>();
            for (var j = 1; form.TryGetValue($"Filter.{i}.Value.{j}", out var value); j++)
                values.Add(value);
            filters[name] = values;
        }
        return filters;
    }

    internal static ServerResponse Ok(string element, string body) => new(200,
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{element} xmlns=\"{Namespace}\"><requestId>{Guid.NewGuid()}</requestId>{body}</{element}>",
        "text/xml;charset=UTF-8");

    public static ServerResponse Error(int status, string code, string message) => new(status,
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{X(message)}</Message></Error></Errors><RequestID>{Guid.NewGuid()}</RequestID></Response>",
        "text/xml;charset=UTF-8");

    internal static string X(string text) => SecurityElement.Escape(text) ?? "";
}
