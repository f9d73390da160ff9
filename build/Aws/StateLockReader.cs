using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Pipeline.Terraform;
using Polly;

namespace Pipeline.Aws;

/// <summary>
/// The state's lock as the S3 backend keeps it: the <c>.tflock</c> object beside the state (use_lockfile) and the
/// DynamoDB item (dynamodb_table); Terraform takes both while a backend uses both. Read only.
/// </summary>
public sealed class StateLockReader(IAmazonS3 s3, IAmazonDynamoDB? dynamoDb, ResiliencePipeline resilience)
{
    /// <summary>Each lock held, one per place it is recorded; empty when the state is not locked.</summary>
    public async Task<IReadOnlyList<StateLockInfo>> ReadAsync(BackendConfig backend, CancellationToken cancellationToken)
    {
        var locks = new List<StateLockInfo>();
        if (backend.UseLockfile && await ReadObjectAsync(backend.Bucket, backend.LockObjectKey, cancellationToken) is { } json)
            locks.Add(StateLockInfo.Parse(json, $"s3://{backend.Bucket}/{backend.LockObjectKey}")
                ?? throw new InvalidDataException($"s3://{backend.Bucket}/{backend.LockObjectKey} is not a Terraform lock record."));
        if (backend.DynamoDbTable is { } table && dynamoDb is not null && await ReadItemAsync(dynamoDb, table, backend.LockItemId, cancellationToken) is { } info)
            locks.Add(StateLockInfo.Parse(info, $"DynamoDB {table}") ?? throw new InvalidDataException($"The lock item {backend.LockItemId} in {table} is not a Terraform lock record."));
        return locks;
    }

    private async Task<string?> ReadObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await resilience.ExecuteAsync(async token =>
            {
                using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, token);
                using var reader = new StreamReader(response.ResponseStream);
                return await reader.ReadToEndAsync(token);
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<string?> ReadItemAsync(IAmazonDynamoDB client, string table, string lockId, CancellationToken cancellationToken)
    {
        var response = await resilience.ExecuteAsync(async token => await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new Dictionary<string, AttributeValue> { ["LockID"] = new() { S = lockId } },
            ConsistentRead = true,
        }, token), cancellationToken);
        return response.Item is { Count: > 0 } item && item.TryGetValue("Info", out var info) ? info.S : null;
    }
}
