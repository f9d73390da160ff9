using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Aws;

/// <summary>One version of an environment's image parameter: an image that was verified and live there.</summary>
public sealed record VerifiedImage(long Version, string ImageId, string Description, DateTimeOffset? At)
{
    /// <summary>The commit SmokeTest verified it with ("Verified by SmokeTest: commit …"), or null.</summary>
    public string? Commit => System.Text.RegularExpressions.Regex.Match(Description, @"commit (?<sha>[0-9a-f]{7,40})\b") is { Success: true } match ? match.Groups["sha"].Value : null;

    /// <summary>When SmokeTest verified it (the description's "at …"), else when the parameter was written.</summary>
    public DateTimeOffset? VerifiedAt =>
        System.Text.RegularExpressions.Regex.Match(Description, @"\bat (?<at>\d{4}-\d{2}-\d{2}T[\d:]+Z)") is { Success: true } match
        && DateTimeOffset.TryParse(match.Groups["at"].Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at : At;

    /// <summary>What a rollback goes back to: the newest verified image before the live one that is not the live one.</summary>
    public static VerifiedImage? RollbackCandidate(IReadOnlyList<VerifiedImage> history) =>
        history.Count == 0 ? null : history.Skip(1).FirstOrDefault(v => v.ImageId != history[0].ImageId);
}

/// <summary>
/// The SSM parameters <c>/&lt;project&gt;/&lt;environment&gt;/ami-id</c>: the image verified and live in each
/// environment (set only after its SmokeTest passed); their version histories are the ledger of rollback targets.
/// Nobody searches AMIs by name. No version is ever labelled, so SSM keeps the newest 100 and drops the oldest.
/// </summary>
public sealed class ImageParameterStore(IAmazonSimpleSystemsManagement ssm, ResiliencePipeline resilience)
{
    public static string ParameterName(string project, string environment) => $"/{project}/{environment}/ami-id";

    /// <summary>
    /// Writes the AMI id (data type aws:ec2:image, so SSM checks it exists) with a description, then reads it back
    /// until the new version holds it: AWS validates that data type asynchronously, so a 200 does not mean the value
    /// was stored.
    /// </summary>
    public async Task PublishAsync(string name, string imageId, string description, TimeSpan confirmTimeout, CancellationToken cancellationToken)
    {
        var request = new PutParameterRequest
        {
            Name = name,
            Value = imageId,
            Type = ParameterType.String,
            DataType = "aws:ec2:image",
            Overwrite = true,
            Description = description.Length > 1024 ? description[..1024] : description,
        };
        var put = await resilience.ExecuteAsync(async token => await ssm.PutParameterAsync(request, token), cancellationToken);
        await ConfirmAsync(name, imageId, put.Version ?? 0, confirmTimeout, cancellationToken);
    }

    private async Task ConfirmAsync(string name, string imageId, long version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Parameter? seen = null;
        var polling = AwsPolling.Until(timeout, TimeSpan.FromMilliseconds(200), maxDelay: TimeSpan.FromSeconds(5));
        try
        {
            await polling.ExecuteAsync(async token =>
            {
                try
                {
                    var response = await resilience.ExecuteAsync(async inner => await ssm.GetParameterAsync(new GetParameterRequest { Name = name }, inner), token);
                    seen = response.Parameter;
                }
                catch (ParameterNotFoundException)
                {
                    throw new NotYetException();
                }
                if (seen?.Value != imageId || (seen.Version ?? 0) < version)
                    throw new NotYetException();
            }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutRejectedException or NotYetException)
        {
            var now = seen is null ? "nothing" : $"{seen.Value} (version {seen.Version})";
            throw new InvalidOperationException($"SSM parameter {name}: writing {imageId} (version {version}) was not confirmed within {timeout.TotalSeconds:0} s; it still holds {now}. AWS validates aws:ec2:image asynchronously: is {imageId} available in this region and account?");
        }
    }

    /// <summary>The parameter's versions, newest first; empty when it does not exist.</summary>
    public async Task<IReadOnlyList<VerifiedImage>> HistoryAsync(string name, CancellationToken cancellationToken)
    {
        var versions = new List<VerifiedImage>();
        string? nextToken = null;
        try
        {
            do
            {
                var request = new GetParameterHistoryRequest { Name = name, MaxResults = 50, NextToken = nextToken };
                var response = await resilience.ExecuteAsync(async token => await ssm.GetParameterHistoryAsync(request, token), cancellationToken);
                versions.AddRange((response.Parameters ?? []).Where(p => p.Value?.StartsWith("ami-", StringComparison.Ordinal) == true)
                    .Select(p => new VerifiedImage(p.Version ?? 0, p.Value, p.Description ?? "", p.LastModifiedDate)));
                nextToken = response.NextToken;
            } while (!string.IsNullOrEmpty(nextToken));
        }
        catch (ParameterNotFoundException)
        {
            return [];
        }
        return [.. versions.OrderByDescending(v => v.Version)];
    }

    /// <summary>Removes the parameter (an environment torn down has no verified image); absent is fine.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await resilience.ExecuteAsync(async token => await ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = name }, token), cancellationToken);
        }
        catch (ParameterNotFoundException)
        {
        }
    }

    /// <summary>
    /// Images pruning must keep: every AMI a parameter under <c>/&lt;project&gt;/</c> names now or in its newest
    /// <paramref name="versionsPerParameter"/> versions (the rollback targets).
    /// </summary>
    public async Task<IReadOnlySet<string>> ReferencedImageIdsAsync(string project, int versionsPerParameter, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        string? nextToken = null;
        do
        {
            var request = new GetParametersByPathRequest { Path = $"/{project}/", Recursive = true, NextToken = nextToken };
            var response = await resilience.ExecuteAsync(async token => await ssm.GetParametersByPathAsync(request, token), cancellationToken);
            foreach (var parameter in response.Parameters ?? [])
            {
                if (parameter.Value?.StartsWith("ami-", StringComparison.Ordinal) != true) continue;
                ids.Add(parameter.Value);
                names.Add(parameter.Name);
            }
            nextToken = response.NextToken;
        } while (!string.IsNullOrEmpty(nextToken));
        foreach (var name in names)
            ids.UnionWith((await HistoryAsync(name, cancellationToken)).Take(versionsPerParameter).Select(v => v.ImageId));
        return ids;
    }
}
