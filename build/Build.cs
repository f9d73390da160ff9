using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Pipeline;

/// <summary>The GitOps pipeline: Packer bakes the image, Terraform deploys it, Ansible configures it.</summary>
partial class Build : BuildBase
{
    public static Task<int> Main() => Execute<Build>(x => x.Validate);

    [Parameter("Deployment environment (selects infra/environments/<env>.*)")]
    readonly string DeployEnvironment = "dev";

    Target Validate => _ => _
        .Description("Offline checks: generated files, templates, Terraform and playbooks")
        .Executes(CheckGeneratedFilesAreCurrent);
}
