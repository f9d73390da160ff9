using Pipeline.Aws;
using BuildEngine.Parameters;
using Polly;

namespace Pipeline;

/// <summary>How the pipeline reaches AWS: settings from parameters, one retry pipeline for every call.</summary>
partial class Build
{
    [Parameter("AWS region"), AwsRegion] readonly string? AwsRegion;
    [Parameter("AWS endpoint override (a local test server, LocalStack)"), Url] readonly string? AwsEndpointUrl;
    [Parameter("AWS access key id"), Secret] readonly string? AwsAccessKeyId;
    [Parameter("AWS secret access key"), Secret] readonly string? AwsSecretAccessKey;
    [Parameter("AWS session token"), Secret] readonly string? AwsSessionToken;
    [Parameter("AWS shared-config profile")] readonly string? AwsProfile;
    [Parameter("Use the SDK's ambient credentials (instance role, OIDC web identity) when no key or profile is set")] readonly bool AwsUseAmbientCredentials;
    [Parameter("First retry delay of AWS calls in milliseconds (jittered, doubling)"), Range(0, 60_000)] readonly int AwsRetryBaseDelayMs = 500;

    AwsSettings AwsSettings => new()
    {
        Region = AwsRegion,
        EndpointUrl = AwsEndpointUrl,
        AccessKeyId = AwsAccessKeyId,
        SecretAccessKey = AwsSecretAccessKey,
        SessionToken = AwsSessionToken,
        Profile = AwsProfile,
        UseAmbientCredentials = AwsUseAmbientCredentials,
    };

    ResiliencePipeline? _awsRetries;

    ResiliencePipeline AwsRetries => _awsRetries ??=
        AwsResilience.Create(message => Output.Warning(message), TimeSpan.FromMilliseconds(AwsRetryBaseDelayMs), endpoint: AwsEndpointUrl);
}
