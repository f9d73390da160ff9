using Tests.Doubles.GitHub;
using Tests.Doubles.Slack;

namespace Tests.Feedback;

/// <summary>Local GitHub and Slack, and the CircleCI environment of a pull-request job that reports to them.</summary>
public sealed class FeedbackFixture : IDisposable
{
    public const string GitHubToken = "ghp_PlantedGitHubToken0123456789abcdef";
    public const string SlackToken = "xoxb-planted-slack-token-0123456789";

    public GitHubServer GitHub { get; } = new(GitHubToken);
    public SlackServer Slack { get; } = new(SlackToken);

    public Dictionary<string, string> Environment(string commit = "c0ffee1", string branch = "feature/x", int? pullRequest = 42, string workflow = "wf-1", string job = "TerraformPlan-dev") => new()
    {
        ["CI"] = "true",
        ["CIRCLECI"] = "true",
        ["CIRCLE_SHA1"] = commit,
        ["CIRCLE_BRANCH"] = branch,
        ["CIRCLE_PULL_REQUEST"] = pullRequest is null ? "" : $"https://github.com/acme/infra/pull/{pullRequest}",
        ["CIRCLE_BUILD_URL"] = $"https://circleci.com/gh/acme/infra/{Math.Abs(job.GetHashCode() % 1000)}",
        ["CIRCLE_JOB"] = job,
        ["CIRCLE_WORKFLOW_ID"] = workflow,
        ["CIRCLE_PROJECT_USERNAME"] = "acme",
        ["CIRCLE_PROJECT_REPONAME"] = "infra",
        ["GITHUB_TOKEN"] = GitHubToken,
        ["GITHUB_API_URL"] = GitHub.Url,
        ["SLACK_TOKEN"] = SlackToken,
        ["SLACK_CHANNEL"] = "C0DEPLOYS",
        ["SLACK_API_URL"] = Slack.Url,
        ["FEEDBACK_RETRY_BASE_DELAY_MS"] = "10",
    };

    /// <summary>Terraform as the double replaying a real plan, and static AWS keys: targets that plan without AWS.</summary>
    public static Dictionary<string, string> WithTerraformDouble(Dictionary<string, string> environment, string terraformLog)
    {
        environment["TERRAFORM_EXECUTABLE"] = Path.Combine(PipelineRun.DoublesDirectory, "Terraform", "terraform-double.sh");
        environment["TERRAFORM_DOUBLE_LOG"] = terraformLog;
        environment["TERRAFORM_DOUBLE_PLAN_JSON"] = Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-plan", "snyk_plan.json");
        environment["AWS_REGION"] = "eu-west-1";
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI-example-secret";
        environment["KEEP_PLANS_LOCAL"] = "true"; // no S3 here: the plan store has tests of its own on moto
        return environment;
    }

    public void Dispose()
    {
        GitHub.Dispose();
        Slack.Dispose();
    }
}
