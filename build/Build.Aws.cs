using BuildEngine;
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
    [Parameter("IAM role to assume with an OIDC token (on CircleCI a plain variable of the job's context); keys on the command line win, keys in the environment do not"), RoleArn] readonly string? AwsRoleArn;
    [Parameter("File holding the OIDC token for --aws-role-arn (CircleCI: written from $CIRCLE_OIDC_TOKEN_V2 for the run)"), ExistingFile] readonly AbsolutePath? AwsWebIdentityTokenFile;
    [Parameter("STS session name, shown in CloudTrail (default: circleci-<pipeline>-<job>-<commit>)"), RoleSessionName] readonly string? AwsRoleSessionName;
    [Parameter("CircleCI's OIDC token (CircleCI sets it in every job)", EnvironmentVariable = "CIRCLE_OIDC_TOKEN_V2"), Secret] readonly string? CircleOidcToken;
    [Parameter("CircleCI pipeline number (the generated config passes << pipeline.number >>)", EnvironmentVariable = "PIPELINE_NUMBER"), PipelineNumber] readonly string? PipelineNumber;

    AwsSettings AwsSettings => WithIdentity(WebIdentity);

    AwsSettings WithIdentity(WebIdentity? identity) => new()
    {
        WebIdentity = identity,
        WebIdentityCredentials = identity is null ? null : _webIdentityCredentials ??= new WebIdentityCredentials(identity, () => AwsSettingsWithoutIdentity.StsConfig()),
        KeysFromCommandLine = AwsAccessKeyId is not null && SourceOf(nameof(AwsAccessKeyId)) == ParameterSource.CommandLine,
        CredentialsHint = Ci.IsCircleCi ? "the CircleCI context of this job (aws-plan, aws-image, aws-deploy-<env>, aws-drift)" : null,
        Region = AwsRegion,
        EndpointUrl = AwsEndpointUrl,
        AccessKeyId = AwsAccessKeyId,
        SecretAccessKey = AwsSecretAccessKey,
        SessionToken = AwsSessionToken,
        Profile = AwsProfile,
        UseAmbientCredentials = AwsUseAmbientCredentials,
    };

    [Parameter("The CircleCI CLI, which every CircleCI job has (re-mints the OIDC token)")] readonly string CircleciExecutable = "circleci";
    [Parameter("Seconds after which a job re-mints CircleCI's OIDC token with 'circleci run oidc get' (a token lives 3600)"), Range(1, 3540)] readonly int OidcRenewSeconds = 3000;

    /// <summary>Only for CircleCI's own token: a file the user gave is theirs to keep fresh.</summary>
    OidcTokenRenewal OidcTokenRenewal => new(TemporaryDirectory / "oidc", TimeSpan.FromSeconds(OidcRenewSeconds),
        Ci.IsCircleCi && AwsRoleArn is not null && AwsWebIdentityTokenFile is null && CircleOidcToken is { Length: > 0 } ? MintOidcTokenAsync : null,
        token =>
        {
            Secrets.Register(token);
            _webIdentityCredentials?.ClearCredentials();
            Output.Info("Re-minted CircleCI's OIDC token (circleci run oidc get); the role's credentials are renewed with it.");
        },
        message => Output.Warning(message));

    /// <summary>A new token for the same audience (the organization id), from the CircleCI CLI every job has.</summary>
    async Task<string> MintOidcTokenAsync(CancellationToken cancellationToken)
    {
        var audience = OidcToken.Claim(CircleOidcToken!, "aud") ?? throw new InvalidOperationException("the job's OIDC token has no aud claim");
        var claims = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["aud"] = audience });
        var result = await Tools.RunAsync(new BuildEngine.Processes.ToolInvocation(CircleciExecutable, ["run", "oidc", "get", "--claims", claims]) { EchoOutput = false }, cancellationToken);
        var token = result.Output.Trim();
        if (result.ExitCode != 0 || token.Split('.').Length != 3 || token.Any(char.IsWhiteSpace))
            throw new InvalidOperationException($"'circleci run oidc get' exited {result.ExitCode} without a token");
        return token;
    }

    AwsSettings AwsSettingsWithoutIdentity => new() { Region = AwsRegion, EndpointUrl = AwsEndpointUrl };

    WebIdentityCredentials? _webIdentityCredentials;

    /// <summary>
    /// The role and its token: a file given, else CircleCI's token written for this run to a 0600 file under
    /// .nuke/temp/oidc (never persisted to a workspace or stored as an artifact; removed after each target).
    /// </summary>
    WebIdentity? WebIdentity
    {
        get
        {
            if (AwsRoleArn is null)
                return null;
            var tokenFile = AwsWebIdentityTokenFile?.ToString() ?? (CircleOidcToken is { Length: > 0 } token ? OidcTokenFile.Write(TemporaryDirectory / "oidc", token) : null);
            if (tokenFile is null)
                return null;
            return new WebIdentity(AwsRoleArn, tokenFile,
                AwsRoleSessionName ?? Aws.WebIdentity.SessionNameFor(PipelineNumber, EnvironmentVariables.GetValueOrDefault("CIRCLE_JOB"), Ci.Commit));
        }
    }

    ResiliencePipeline? _awsRetries;

    ResiliencePipeline AwsRetries => _awsRetries ??=
        AwsResilience.Create(message => Output.Warning(message), TimeSpan.FromMilliseconds(AwsRetryBaseDelayMs), endpoint: AwsEndpointUrl);
}
