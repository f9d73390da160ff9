using System.Text.RegularExpressions;

namespace Pipeline.Terraform;

/// <summary>
/// An S3 backend's settings from its <c>*.s3.tfbackend</c> file (<c>name = "value"</c> lines): where the state and
/// its locks live. Only what the pipeline reads itself; Terraform reads the whole file.
/// </summary>
public sealed partial record BackendConfig(string Bucket, string Key, string? Region, string? DynamoDbTable, bool UseLockfile)
{
    /// <summary>The S3 lock object (use_lockfile): the state key plus ".tflock".</summary>
    public string LockObjectKey => Key + ".tflock";

    /// <summary>The DynamoDB lock item's LockID: "bucket/key" (the "-md5" item beside it is the state's digest).</summary>
    public string LockItemId => $"{Bucket}/{Key}";

    public static BackendConfig Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No backend configuration: expected {path}.");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (Setting().Match(line) is { Success: true } match)
                settings[match.Groups["name"].Value] = match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["bare"].Value;
        }
        string Required(string name) => settings.GetValueOrDefault(name) is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"{path} has no {name} = \"…\"; expected the S3 backend's {name}.");
        return new BackendConfig(Required("bucket"), Required("key"), settings.GetValueOrDefault("region"),
            settings.GetValueOrDefault("dynamodb_table") is { Length: > 0 } table ? table : null,
            settings.GetValueOrDefault("use_lockfile") == "true");
    }

    [GeneratedRegex("""^\s*(?<name>[a-z_]+)\s*=\s*(?:"(?<quoted>[^"]*)"|(?<bare>[A-Za-z0-9_.-]+))\s*(?:#.*)?$""")]
    private static partial Regex Setting();
}
