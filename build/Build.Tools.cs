using BuildEngine;
using BuildEngine.Parameters;
using Pipeline.Tools;

namespace Pipeline;

/// <summary>Pinned Packer and Terraform for CI: installed verified into .nuke/temp/tools, preferred when present.</summary>
partial class Build
{
    [Parameter("Where InstallTools downloads HashiCorp releases from"), Url] readonly string ToolsReleaseUrl = "https://releases.hashicorp.com";

    string ToolsDirectory => TemporaryDirectory / "tools";
    AbsolutePath PinnedToolsFile => RootDirectory / ".nuke" / "tools.json";
    PinnedTools Pinned => PinnedTools.Load(PinnedToolsFile);

    /// <summary>The pinned, installed copy when the executable parameter is left at its default; else the parameter.</summary>
    string ResolveTool(string name, string configured)
    {
        if (configured != name || !PinnedToolsFile.FileExists() || !Pinned.Versions.TryGetValue(name, out var version))
            return configured;
        var installed = ToolInstaller.ExecutablePath(ToolsDirectory, name, version);
        return File.Exists(installed) ? installed : configured;
    }

    string PackerCommand => ResolveTool("packer", PackerExecutable);
    string TerraformCommand => ResolveTool("terraform", TerraformExecutable);

    async Task InstallPinnedToolsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var installer = new ToolInstaller(http, ToolsReleaseUrl, ToolsDirectory, Output.Info);
        var pinned = Pinned;
        foreach (var (name, version) in pinned.Versions.OrderBy(v => v.Key, StringComparer.Ordinal))
            await installer.InstallAsync(name, version, cancellationToken, pinned.ChecksumFor(name, ToolInstaller.Platform()));
        Summaries.Set(nameof(InstallTools), string.Join(", ", pinned.Versions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}")));
    }
}
