using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Aws;

/// <summary>
/// The SSM parameters that hand the AMI to Terraform (<c>/&lt;project&gt;/&lt;environment&gt;/ami-id</c>): nobody
/// searches AMIs by name.
/// </summary>
public sealed class ImageParameterStore(IAmazonSimpleSystemsManagement ssm, ResiliencePipeline resilience)
{
    public static string ParameterName(string project, string environment) => $"/{project}/{environment}/ami-id";

    /// <summary>
    /// Writes the AMI id (data type aws:ec2:image, so SSM checks it exists) with the commit and inputs hash, then
    /// reads it back until the new version holds it: AWS validates that data type asynchronously, so a 200 does
    /// not mean the value was stored.
    /// </summary>
    public async Task PublishAsync(string name, string imageId, string commit, string inputsHash, TimeSpan confirmTimeout, CancellationToken cancellationToken)
    {
        var request = new PutParameterRequest
        {
            Name = name,
            Value = imageId,
            Type = ParameterType.String,
            DataType = "aws:ec2:image",
            Overwrite = true,
            Description = $"AMI baked by PackerBuild from commit {commit}, inputs hash {inputsHash}",
        };
        var put = await resilience.ExecuteAsync(async token => await ssm.PutParameterAsync(request, token), cancellationToken);
        await ConfirmAsync(name, imageId, put.Version ?? 0, confirmTimeout, cancellationToken);
    }

    private async Task ConfirmAsync(string name, string imageId, long version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Parameter? seen = null;
        var polling = new ResiliencePipelineBuilder()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NotStoredYet>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
            })
            .Build();
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
                    throw new NotStoredYet();
                }
                if (seen?.Value != imageId || (seen.Version ?? 0) < version)
                    throw new NotStoredYet();
            }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutRejectedException or NotStoredYet)
        {
            var now = seen is null ? "nothing" : $"{seen.Value} (version {seen.Version})";
            throw new InvalidOperationException($"SSM parameter {name}: writing {imageId} (version {version}) was not confirmed within {timeout.TotalSeconds:0} s; it still holds {now}. AWS validates aws:ec2:image asynchronously: is {imageId} available in this region and account?");
        }
    }

    private sealed class NotStoredYet : Exception;

    /// <summary>Every AMI id any parameter under <c>/&lt;project&gt;/</c> points to: images pruning must keep.</summary>
    public async Task<IReadOnlySet<string>> ReferencedImageIdsAsync(string project, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? nextToken = null;
        do
        {
            var request = new GetParametersByPathRequest { Path = $"/{project}/", Recursive = true, NextToken = nextToken };
            var response = await resilience.ExecuteAsync(async token => await ssm.GetParametersByPathAsync(request, token), cancellationToken);
            foreach (var parameter in response.Parameters ?? [])
            {
                if (parameter.Value?.StartsWith("ami-", StringComparison.Ordinal) == true)
                    ids.Add(parameter.Value);
            }
            nextToken = response.NextToken;
        } while (!string.IsNullOrEmpty(nextToken));
        return ids;
    }
}
