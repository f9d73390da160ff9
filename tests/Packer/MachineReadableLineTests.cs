using Pipeline.Packer;

namespace Tests.Packer;

public sealed class MachineReadableLineTests
{
    private static readonly string[] Log = File.ReadAllLines(Path.Combine(PipelineRun.SharedDirectory, "fixtures", "packer", "vyos_packer.log"));

    [Fact]
    public void Every_line_of_a_real_log_parses()
    {
        var parsed = Log.Select(MachineReadableLine.Parse).ToList();

        Assert.Equal(204, parsed.Count);
        Assert.All(parsed, Assert.NotNull);
    }

    [Fact]
    public void Packer_comma_escapes_and_newlines_are_unescaped()
    {
        var mount = MachineReadableLine.Parse(Log[56])!;

        Assert.Equal("ui", mount.Type);
        Assert.Equal("message", mount.Ui!.Value.Kind);
        Assert.Equal("    amazon-ebssurrogate: + mount -t iso9660 -o loop,ro /tmp/vyos.iso /mnt/cdrom", mount.Ui.Value.Text);
        Assert.DoesNotContain(Log.Select(MachineReadableLine.Parse), l => l!.Data.Any(d => d.Contains("PACKER_COMMA")));
        Assert.Equal("\n==> Builds finished. The artifacts of successful builds are:", MachineReadableLine.Parse(Log[196])!.Ui!.Value.Text);
    }

    [Fact]
    public void The_artifact_id_line_gives_the_AMI()
    {
        var images = Log.Select(MachineReadableLine.Parse).SelectMany(l => l!.ArtifactImages).ToList();

        Assert.Equal([new RegionalImage("eu-west-1", "ami-018a9d2ba90fa24df")], images);
    }

    [Theory]
    [InlineData("Packer v1.6.6", "1.6.6", false)]
    [InlineData("Packer v1.11.2\n\nYour version of Packer is out of date!", "1.11.2", true)]
    [InlineData("1.7.0", "1.7.0", true)]
    [InlineData("1795707321,,version,1.6.6", "1.6.6", false)]
    public void Versions_decide_plugin_management(string output, string version, bool plugins)
    {
        var parsed = PackerVersion.Parse(output);

        Assert.Equal(version, parsed.ToString());
        Assert.Equal(plugins, parsed.HasPluginManagement);
    }

    [Fact]
    public void Lines_that_are_not_machine_readable_are_recognised()
    {
        Assert.Null(MachineReadableLine.Parse("plain text"));
        Assert.Throws<PackerOutputException>(() => PackerVersion.Parse("command not found"));
    }
}
