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

    /// <summary>A role assumed with an OIDC token (CircleCI's): temporary credentials, nothing stored.</summary>
    public WebIdentity? WebIdentity { get; init; }

    /// <summary>The credentials of <see cref="WebIdentity"/>, shared by every client of the run (one STS call an hour).</summary>
    public AWSCredentials? WebIdentityCredentials { get; init; }

    /// <summary>Keys given on the command line win over a role; keys only in the environment do not.</summary>
    public bool KeysFromCommandLine { get; init; }

    /// <summary>Where a job without credentials gets them: named in the error (e.g. "the CircleCI context aws-plan").</summary>
    public string? CredentialsHint { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fails with one clear line when the region or credentials are missing — before any tool starts.</summary>
    public AWSCredentials ResolveCredentials()
    {
        if (string.IsNullOrWhiteSpace(Region))
            throw new AwsConfigurationException("AWS region is not set: pass --aws-region or set AWS_REGION (e.g. eu-west-1).");
        if (UsesWebIdentity)
            return WebIdentityCredentials ?? throw new InvalidOperationException("Web identity credentials were not created.");
        if (HasKeys)
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
        throw new AwsConfigurationException(CredentialsHint is null
            ? "No AWS credentials: set AWS_ROLE_ARN with an OIDC token (--aws-web-identity-token-file, or CircleCI's), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or --aws-use-ambient-credentials on an instance."
            : $"No AWS credentials for this job: set AWS_ROLE_ARN in {CredentialsHint} (the job's OIDC token is then exchanged for temporary credentials; no key is stored), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY there.");
    }

    private bool HasKeys => !string.IsNullOrEmpty(AccessKeyId) || !string.IsNullOrEmpty(SecretAccessKey);

    /// <summary>Precedence: keys on the command line, then a role with a token, then keys from the environment.</summary>
    public bool UsesWebIdentity => WebIdentity is not null && !(HasKeys && KeysFromCommandLine);

    public IAmazonEC2 CreateEc2Client() => new AmazonEC2Client(ResolveCredentials(), Configure(new AmazonEC2Config()));

    public IAmazonSimpleSystemsManagement CreateSsmClient() =>
        new AmazonSimpleSystemsManagementClient(ResolveCredentials(), Configure(new AmazonSimpleSystemsManagementConfig()));

    /// <summary>S3 with path-style addresses behind an endpoint override: a local server has no bucket host names.</summary>
    public Amazon.S3.IAmazonS3 CreateS3Client() =>
        new Amazon.S3.AmazonS3Client(ResolveCredentials(), Configure(new Amazon.S3.AmazonS3Config { ForcePathStyle = !string.IsNullOrWhiteSpace(EndpointUrl) }));

    public Amazon.DynamoDBv2.IAmazonDynamoDB CreateDynamoDbClient() =>
        new Amazon.DynamoDBv2.AmazonDynamoDBClient(ResolveCredentials(), Configure(new Amazon.DynamoDBv2.AmazonDynamoDBConfig()));

    public Amazon.SecurityToken.AmazonSecurityTokenServiceConfig StsConfig() => Configure(new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig());

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
        if (UsesWebIdentity)
        {
            // Terraform, its S3 backend and Packer assume the role themselves from the same file (re-read when their
            // credentials expire); keys in the environment would win over it in their chains, so they are removed.
            environment["AWS_ROLE_ARN"] = WebIdentity!.RoleArn;
            environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = WebIdentity.TokenFile;
            environment["AWS_ROLE_SESSION_NAME"] = WebIdentity.SessionName;
            foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
                environment[name] = null;
            if (!string.IsNullOrWhiteSpace(EndpointUrl))
            {
                // The credential chain's own STS client reads only the service-specific variable.
                environment["AWS_ENDPOINT_URL"] = EndpointUrl;
                environment["AWS_ENDPOINT_URL_STS"] = EndpointUrl;
            }
            environment["AWS_EC2_METADATA_DISABLED"] = "true";
            return environment;
        }
        environment["AWS_ROLE_ARN"] = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = null;
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
