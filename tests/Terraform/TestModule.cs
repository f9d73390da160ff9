namespace Tests.Terraform;

/// <summary>
/// A copy of the repository whose infra/ holds the test module (tests/Terraform/TestModule) in place of the AWS
/// resources: infra/variables.tf and infra/environments/ stay as they are; the backend files only gain
/// <c>use_path_style</c>, which an emulator on 127.0.0.1 needs (the endpoint itself comes from AWS_ENDPOINT_URL).
/// </summary>
public static class TestModule
{
    public const string StateBucket = "gitops-demo-terraform-state";
    public const string LockTable = "gitops-demo-terraform-locks";

    public static bool TerraformInstalled => Peers.RequiredPeer.OnPath("terraform");

    public static PipelineRun CreateRun()
    {
        var run = new PipelineRun("infra", ".nuke");
        Install(run.Root);
        return run;
    }

    /// <summary>Puts infra/ with the test module into a copy of the repository at <paramref name="root"/>.</summary>
    public static void Install(string root)
    {
        var infra = Path.Combine(root, "infra");
        if (!Directory.Exists(infra))
            TestFiles.CopyDirectory(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "infra"), infra);
        foreach (var replaced in new[] { "main.tf", "outputs.tf", "versions.tf", ".terraform.lock.hcl" })
            File.Delete(Path.Combine(infra, replaced));
        foreach (var file in Directory.GetFiles(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Terraform", "TestModule"), "*.tf"))
            File.Copy(file, Path.Combine(infra, Path.GetFileName(file)));
        UsePathStyle(root);
    }

    /// <summary>The backend files gain <c>use_path_style</c>: S3 on 127.0.0.1 has no bucket host names.</summary>
    public static void UsePathStyle(string root)
    {
        foreach (var backend in Directory.GetFiles(Path.Combine(root, "infra", "environments"), "*.s3.tfbackend"))
        {
            if (!File.ReadAllText(backend).Contains("use_path_style", StringComparison.Ordinal))
                File.AppendAllText(backend, "use_path_style = true\n");
        }
    }
}
