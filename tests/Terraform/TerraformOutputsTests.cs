using Pipeline.Terraform;

namespace Tests.Terraform;

public sealed class TerraformOutputsTests
{
    private static string Fixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "terraform-output", name);

    [Fact]
    public void Real_outputs_are_read_with_their_types()
    {
        var moj = TerraformOutputs.Load(Fixture("moj_terraform_outputs.json"));
        var engrbayo = TerraformOutputs.Load(Fixture("engrbayo_terraform_outputs.json"));

        Assert.Equal(23, moj.All.Count);
        Assert.Equal(28, engrbayo.All.Count);
        Assert.NotNull(moj["assume_role"]!.AsString);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, engrbayo["availability_zones"]!.Value.ValueKind);
        Assert.All(moj.All.Concat(engrbayo.All), o => Assert.False(o.Sensitive));
    }

    [Fact]
    public void Sensitive_values_are_redacted_in_the_saved_file()
    {
        var outputs = TerraformOutputs.Load(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Terraform", "Fixtures", "outputs-with-sensitive.json"));
        var file = Path.GetTempFileName();
        try
        {
            outputs.SaveRedacted(file);
            var saved = File.ReadAllText(file);
            Assert.DoesNotContain("Pl4nted-Terraform-S3cret", saved);
            var reloaded = TerraformOutputs.Load(file);
            Assert.True(reloaded["db_password"]!.Sensitive);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, reloaded["db_password"]!.Value.ValueKind);
            Assert.Equal("127.0.0.1", reloaded["public_ip"]!.AsString);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(">= 1.6.0, < 2.0.0", "1.9.8", true)]
    [InlineData(">= 1.6.0, < 2.0.0", "1.5.7", false)]
    [InlineData(">= 1.6.0, < 2.0.0", "2.0.0", false)]
    [InlineData("~> 1.9", "1.11.0", true)]
    [InlineData("~> 1.9.3", "1.10.0", false)]
    [InlineData("1.8.0", "1.8.0", true)]
    [InlineData("!= 1.8.1", "1.8.1", false)]
    public void Version_constraints_are_evaluated_like_Terraform(string constraint, string version, bool expected)
    {
        Assert.Equal(expected, new VersionConstraint(constraint).IsSatisfiedBy(VersionConstraint.Parse(version)));
    }
}
