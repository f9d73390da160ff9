using BuildEngine.Parameters;

namespace Pipeline;

/// <summary>What the generated CircleCI contexts hold: an AWS role per context (OIDC, the default) or stored keys.</summary>
partial class Build
{
    [Parameter("How the generated CircleCI jobs reach AWS: oidc (AWS_ROLE_ARN per context, CircleCI's OIDC token, no stored key) or keys (access keys stored in the contexts); read from .nuke/parameters.json"),
     Pattern("^(oidc|keys)$", "oidc or keys")]
    readonly string CircleCiAwsCredentials = "oidc";

    /// <summary>Read from the file, not the run's value: the generated config must not change with a command line.</summary>
    bool UsesOidcOnCircleCi => ParametersFileSetting("parameters.json", nameof(CircleCiAwsCredentials))?.GetString() is null or "oidc";

    const string AwsContexts = "aws-plan (read-only) / aws-drift / aws-image / aws-deploy-<env>";

    Dictionary<string, string> SecretContexts => new()
    {
        [nameof(CircleOidcToken)] = "set by CircleCI in every job: exchanged for the credentials of the context's AWS_ROLE_ARN",
        [nameof(CircleContinuationKey)] = "set by CircleCI in the setup job: continues the pipeline once",
        [nameof(AwsAccessKeyId)] = AwsContexts,
        [nameof(AwsSecretAccessKey)] = AwsContexts,
        [nameof(AwsSessionToken)] = "aws-plan / aws-drift / aws-image / aws-deploy-<env> (only with temporary credentials)",
        [nameof(SshPrivateKey)] = "aws-deploy-<env>",
        [nameof(GitHubAppPrivateKey)] = "gitops-feedback, with GITHUB_APP_ID",
        [nameof(GitHubToken)] = "gitops-feedback, only without a GitHub App",
        [nameof(SlackToken)] = "gitops-feedback",
        [nameof(SlackWebhookUrl)] = "gitops-feedback, only without SLACK_TOKEN",
    };

    IEnumerable<(string Variable, string Where)> ContextVariables
    {
        get
        {
            if (UsesOidcOnCircleCi)
                yield return ("AWS_ROLE_ARN", $"set in context {AwsContexts}: the role of that context, assumed with the job's OIDC token (no AWS key is stored)");
            yield return ("GITHUB_APP_ID", "set in context gitops-feedback: the GitHub App that reports (recommended over GITHUB_TOKEN)");
            yield return ("SLACK_CHANNEL", "set in context gitops-feedback: the channel ID the bot posts in");
        }
    }
}
