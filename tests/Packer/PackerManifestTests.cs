using Pipeline.Packer;

namespace Tests.Packer;

public sealed class PackerManifestTests
{
    private static string Fixture(string name) => Path.Combine(PipelineRun.SharedDirectory, "fixtures", "packer", name);

    [Fact]
    public void Only_the_last_run_of_an_appended_manifest_counts()
    {
        var manifest = PackerManifest.Load(Fixture("theforum365_packer-manifest.json"));

        Assert.Equal(17, manifest.Builds.Count);
        Assert.Equal([new RegionalImage("eu-west-1", "ami-06ad82646c9239ffc")], manifest.LastRunImages("fixture"));
    }

    [Fact]
    public void An_artifact_id_with_nine_regions_gives_nine_images_and_other_builders_none()
    {
        var images = PackerManifest.Load(Fixture("calyptia_packer-manifest.json")).LastRunImages("fixture");

        Assert.Equal(9, images.Count);
        Assert.Contains(new RegionalImage("us-east-1", "ami-0545120bb80d14a28"), images);
        Assert.Equal(9, images.Select(i => i.Region).Distinct().Count());
        Assert.All(images, i => Assert.StartsWith("ami-", i.ImageId));
    }

    [Fact]
    public void A_minimal_manifest_gives_its_one_image()
    {
        var images = PackerManifest.Load(Fixture("littlejo_packer-manifest.json")).LastRunImages("fixture");

        Assert.Equal([new RegionalImage("us-east-1", "ami-0d43f595c73c6ea56")], images);
    }

    [Fact]
    public void A_manifest_without_AMIs_is_a_clear_error()
    {
        var manifest = PackerManifest.Load(Fixture("albarki-debian10_packer-manifest.json"));

        var error = Assert.Throws<PackerOutputException>(() => manifest.LastRunImages("debian.json"));
        Assert.Equal("Packer manifest debian.json: the last run built no AMI (artifact ids: VM); expected region:ami-… pairs.", error.Message);
    }

    [Theory]
    [InlineData("", "is empty; expected a JSON object with builds and last_run_uuid.")]
    [InlineData("{ \"builds\": [", "is not valid JSON (line 1)")]
    [InlineData("[1, 2]", "expected a JSON object with a \"builds\" array.")]
    public void Empty_or_malformed_manifests_are_clear_errors(string content, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);
            var error = Assert.Throws<PackerOutputException>(() => PackerManifest.Load(file));
            Assert.Contains(expected, error.Message);
            Assert.Contains(file, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_manifest_whose_last_run_has_no_builds_is_a_clear_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "builds": [ { "artifact_id": "eu-west-1:ami-1", "packer_run_uuid": "a" } ], "last_run_uuid": "b" }""");
            var error = Assert.Throws<PackerOutputException>(() => PackerManifest.Load(file).LastRunImages("m.json"));
            Assert.Equal("Packer manifest m.json: no build belongs to the last run b; expected at least one.", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_manifest_is_a_clear_error()
    {
        var error = Assert.Throws<PackerOutputException>(() => PackerManifest.Load("/nonexistent/manifest.json"));
        Assert.Contains("does not exist", error.Message);
    }
}
