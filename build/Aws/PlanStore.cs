using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Polly;

namespace Pipeline.Aws;

/// <summary>The plan store refused or lost a plan: one line naming the object and what to do.</summary>
public sealed class PlanStoreException(string message) : Exception(message);

/// <summary>A stored plan object as S3 describes it.</summary>
public sealed record StoredPlanObject(string Key, string? Encryption, string? KmsKeyId, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reviewed plans in S3, encrypted with SSE-KMS (the key given, else the account's aws/s3 key), under
/// <c>plans/&lt;project&gt;/&lt;env&gt;/&lt;commit&gt;/&lt;sha256&gt;.tfplan</c> and <c>.json</c>: they outlive a CI
/// workspace (CircleCI keeps one 15 days, an approval may come 90 days later) and never travel in one.
/// </summary>
public sealed class PlanStore(IAmazonS3 s3, ResiliencePipeline resilience, string bucket, string? kmsKeyId)
{
    public string Bucket => bucket;

    public static string KeyFor(string project, string environment, string commit, string planSha256, string extension) =>
        $"plans/{project}/{environment}/{commit}/{planSha256}{extension}";

    public string Address(string key) => $"s3://{bucket}/{key}";

    public async Task UploadAsync(string file, string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await resilience.ExecuteAsync(async token =>
        {
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                FilePath = file,
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ContentType = "application/octet-stream",
            };
            if (kmsKeyId is not null)
                request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
            foreach (var (name, value) in metadata)
                request.Metadata[name] = value;
            return await s3.PutObjectAsync(request, token);
        }, cancellationToken);
    }

    /// <summary>Writes the object to <paramref name="destination"/> (whole or not at all) and says how it was stored.</summary>
    public async Task<StoredPlanObject> DownloadAsync(string key, string destination, CancellationToken cancellationToken)
    {
        try
        {
            return await resilience.ExecuteAsync(async token =>
            {
                using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, token);
                var partial = destination + ".download";
                await using (var file = File.Create(partial))
                    await response.ResponseStream.CopyToAsync(file, token);
                File.Move(partial, destination, overwrite: true);
                var metadata = response.Metadata.Keys.ToDictionary(k => k.Replace("x-amz-meta-", "", StringComparison.Ordinal), k => response.Metadata[k]);
                return new StoredPlanObject(key, response.ServerSideEncryptionMethod?.Value, response.ServerSideEncryptionKeyManagementServiceKeyId, metadata);
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new PlanStoreException($"The reviewed plan {Address(key)} is not in the plan store ({e.ErrorCode}): it expired or was removed; plan again.");
        }
    }
}
