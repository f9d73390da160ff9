using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Polly;

namespace Pipeline.Aws;

/// <summary>
/// The SSM parameters that hand the AMI to Terraform (<c>/&lt;project&gt;/&lt;environment&gt;/ami-id</c>): nobody
/// searches AMIs by name.
/// </summary>
public sealed class ImageParameterStore(IAmazonSimpleSystemsManagement ssm, ResiliencePipeline resilience)
{
    public static string ParameterName(string project, string environment) => $"/{project}/{environment}/ami-id";

    /// <summary>Writes the AMI id (data type aws:ec2:image, so SSM checks it exists) with the commit and inputs hash.</summary>
    public async Task PublishAsync(string name, string imageId, string commit, string inputsHash, CancellationToken cancellationToken)
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
        await resilience.ExecuteAsync(async token => await ssm.PutParameterAsync(request, token), cancellationToken);
    }

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
