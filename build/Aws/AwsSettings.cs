using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.CredentialManagement;
using Amazon.SimpleSystemsManagement;

namespace Pipeline.Aws;

/// <summary>AWS is not usable as configured: one line saying what is missing.</summary>
public sealed class AwsConfigurationException(string message) : Exception(message);

/// <summary>How to reach AWS: region, optional endpoint (a local server in tests), and credentials.</summary>
public sealed record AwsSettings
{
    public string? Region { get; init; }
    public string? EndpointUrl { get; init; }
    public string? AccessKeyId { get; init; }
    public string? SecretAccessKey { get; init; }
    public string? SessionToken { get; init; }
    public string? Profile { get; init; }

    /// <summary>Allow the SDK's own chain (web identity, container, instance metadata) when no key or profile is given.</summary>
    public bool UseAmbientCredentials { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fails with one clear line when the region or credentials are missing — before any tool starts.</summary>
    public AWSCredentials ResolveCredentials()
    {
        if (string.IsNullOrWhiteSpace(Region))
            throw new AwsConfigurationException("AWS region is not set: pass --aws-region or set AWS_REGION (e.g. eu-west-1).");
        if (!string.IsNullOrEmpty(AccessKeyId) || !string.IsNullOrEmpty(SecretAccessKey))
        {
            if (string.IsNullOrEmpty(AccessKeyId) || string.IsNullOrEmpty(SecretAccessKey))
                throw new AwsConfigurationException("AWS credentials are incomplete: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
            return string.IsNullOrEmpty(SessionToken)
                ? new BasicAWSCredentials(AccessKeyId, SecretAccessKey)
                : new SessionAWSCredentials(AccessKeyId, SecretAccessKey, SessionToken);
        }
        if (!string.IsNullOrEmpty(Profile))
        {
            if (new CredentialProfileStoreChain().TryGetAWSCredentials(Profile, out var fromProfile))
                return fromProfile;
            throw new AwsConfigurationException($"AWS profile '{Profile}' (AWS_PROFILE) was not found in the shared credentials or config file.");
        }
        if (UseAmbientCredentials)
        {
            try
            {
                return DefaultAWSCredentialsIdentityResolver.GetCredentials(new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(Region) });
            }
            catch (AmazonClientException e)
            {
                throw new AwsConfigurationException($"No AWS credentials found by the SDK's default chain: {e.Message}");
            }
        }
        throw new AwsConfigurationException(
            "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or --aws-use-ambient-credentials on an instance or OIDC runner.");
    }

    public IAmazonEC2 CreateEc2Client() => new AmazonEC2Client(ResolveCredentials(), Configure(new AmazonEC2Config()));

    public IAmazonSimpleSystemsManagement CreateSsmClient() =>
        new AmazonSimpleSystemsManagementClient(ResolveCredentials(), Configure(new AmazonSimpleSystemsManagementConfig()));

    /// <summary>The SDK's own retries are off: every retry goes through the one Polly pipeline.</summary>
    private TConfig Configure<TConfig>(TConfig config) where TConfig : ClientConfig
    {
        config.MaxErrorRetry = 0;
        config.Timeout = RequestTimeout;
        if (!string.IsNullOrWhiteSpace(EndpointUrl))
        {
            config.ServiceURL = EndpointUrl;
            config.AuthenticationRegion = Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }
        return config;
    }

    /// <summary>The variables a child process (packer, terraform) needs to reach the same account.</summary>
    public IReadOnlyDictionary<string, string?> ToEnvironment()
    {
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = Region, ["AWS_DEFAULT_REGION"] = Region };
        if (!string.IsNullOrEmpty(AccessKeyId)) environment["AWS_ACCESS_KEY_ID"] = AccessKeyId;
        if (!string.IsNullOrEmpty(SecretAccessKey)) environment["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey;
        if (!string.IsNullOrEmpty(SessionToken)) environment["AWS_SESSION_TOKEN"] = SessionToken;
        if (!string.IsNullOrEmpty(Profile)) environment["AWS_PROFILE"] = Profile;
        if (!string.IsNullOrWhiteSpace(EndpointUrl)) environment["AWS_ENDPOINT_URL"] = EndpointUrl;
        // The SDK clients never fall back to the instance metadata service unless asked; neither may the tools
        // (on a CI runner hosted on EC2 a context that lost its keys would silently use the runner's role).
        if (!UseAmbientCredentials) environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return environment;
    }
}
