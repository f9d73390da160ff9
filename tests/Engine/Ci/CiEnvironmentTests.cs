using BuildEngine;
using BuildEngine.Ci;

namespace Tests.Engine.Ci;

public sealed class CiEnvironmentTests
{
    [Fact]
    public void On_CircleCI_everything_comes_from_its_variables()
    {
        using var root = new TempRoot();
        var ci = CiEnvironment.Detect(new Dictionary<string, string>
        {
            ["CIRCLECI"] = "true", ["CIRCLE_BRANCH"] = "feature/x", ["CIRCLE_SHA1"] = "0123abc", ["CIRCLE_TAG"] = "v1.2",
            ["CIRCLE_PULL_REQUEST"] = "https://github.com/acme/infra/pull/42", ["CIRCLE_BUILD_URL"] = "https://circleci.com/gh/acme/infra/7",
            ["CIRCLE_JOB"] = "TerraformPlan-dev", ["CIRCLE_WORKFLOW_ID"] = "wf-1", ["CIRCLE_PROJECT_USERNAME"] = "acme", ["CIRCLE_PROJECT_REPONAME"] = "infra",
        }, root.Path, isCi: true);

        Assert.Equal(("feature/x", "0123abc", "v1.2", 42, "https://circleci.com/gh/acme/infra/7", "TerraformPlan-dev", "wf-1", "acme", "infra"),
            (ci.Branch, ci.Commit, ci.Tag, ci.PullRequestNumber, ci.BuildUrl, ci.Job, ci.WorkflowId, ci.RepositoryOwner, ci.RepositoryName));
        Assert.True(ci.IsCircleCi);
    }

    [Fact]
    public void The_pull_request_can_be_empty_on_a_branchs_first_push()
    {
        using var root = new TempRoot();
        var ci = CiEnvironment.Detect(new Dictionary<string, string> { ["CIRCLECI"] = "true", ["CIRCLE_PULL_REQUEST"] = "" }, root.Path, true);

        Assert.Null(ci.PullRequestNumber);
        Assert.Null(CiEnvironment.ParsePullRequestNumber("https://github.com/acme/infra/pull/"));
    }

    [Fact]
    public void Locally_branch_and_commit_are_read_from_the_checkout()
    {
        using var root = new TempRoot();
        root.Write(".git/HEAD", "ref: refs/heads/topic\n");
        root.Write(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n1111111111111111111111111111111111111111 refs/heads/topic\n");

        var ci = CiEnvironment.Detect(new Dictionary<string, string>(), root.Path, false);
        Assert.Equal(("topic", "1111111111111111111111111111111111111111"), (ci.Branch, ci.Commit));

        root.Write(".git/refs/heads/topic", "2222222222222222222222222222222222222222\n");
        Assert.Equal("2222222222222222222222222222222222222222", CiEnvironment.Detect(new Dictionary<string, string>(), root.Path, false).Commit);

        root.Write(".git/HEAD", "3333333333333333333333333333333333333333\n");
        var detached = CiEnvironment.Detect(new Dictionary<string, string>(), root.Path, false);
        Assert.Equal(((string?)null, "3333333333333333333333333333333333333333"), (detached.Branch, detached.Commit));
    }
}
