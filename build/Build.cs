using System.Linq.Expressions;
using BuildEngine;
using BuildEngine.Definition;
using BuildEngine.Parameters;

namespace Pipeline;

/// <summary>The GitOps pipeline: Packer bakes the image, Terraform deploys it, Ansible configures it.</summary>
partial class Build : BuildBase
{
    public static Task<int> Main() => Execute(DefaultTarget);

    internal static readonly Expression<Func<Build, Target>> DefaultTarget = x => x.Validate;

    [Parameter("Deployment environment (selects infra/environments/<env>.*)")] readonly string DeployEnvironment = "dev";
    [Parameter("Project name: prefixes SSM parameters, tags images")] readonly string ProjectName = "gitops-demo";
    [Parameter("The branch that deploys; other branches only plan")] readonly string MainBranch = "main";

    bool IsPullRequestBuild => IsCi && Ci.Branch != MainBranch;

    Target Validate => _ => _
        .Description("Offline checks: generated files, Packer template, Terraform, playbooks")
        .DependsOn(PackerValidate)
        .Executes(CheckGeneratedFilesAreCurrent);

    Target PackerValidate => _ => _
        .Description("packer fmt -check, init (Packer >= 1.7) and validate on packer/")
        .Executes(ValidateTemplateAsync);

    Target PackerBuild => _ => _
        .Description("Bake the Ubuntu 22.04 AMI unless one with the same inputs hash exists; publish it to SSM")
        .DependsOn(PackerValidate)
        .OnlyWhenStatic(() => !IsPullRequestBuild)
        .Produces(".nuke/temp/image/ami.json")
        .Executes(BakeImageAsync);

    Target PruneImages => _ => _
        .Description("Deregister this pipeline's images beyond the newest --keep-images that no SSM parameter points to")
        .Executes(PruneImagesAsync);
}
