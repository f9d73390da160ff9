using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Packer;

/// <summary>The template directory (packer/) and what goes into the image from it.</summary>
public sealed class PackerTemplate(string directory)
{
    /// <summary>Holds <c>required_plugins</c>; Packer before 1.7 rejects it, so it is left out there.</summary>
    public const string PluginRequirementsFile = "versions.pkr.hcl";

    public string Directory { get; } = directory;

    /// <summary>
    /// A copy of the template to run Packer in: without the plugin requirements for a Packer that predates them.
    /// Packer reads a whole directory, so leaving a file out means running from a copy.
    /// </summary>
    public string Stage(string stagingDirectory, PackerVersion version)
    {
        if (version.HasPluginManagement)
            return Directory;
        if (System.IO.Directory.Exists(stagingDirectory))
            System.IO.Directory.Delete(stagingDirectory, recursive: true);
        foreach (var file in Files())
        {
            if (file == PluginRequirementsFile) continue;
            var target = Path.Combine(stagingDirectory, file);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Directory, file), target);
        }
        return stagingDirectory;
    }

    /// <summary>
    /// SHA-256 over every file of the template (path and content, in a fixed order), the extra files it provisions
    /// and the image-defining variable values. Same inputs, same hash, on any machine.
    /// </summary>
    public string InputsHash(IEnumerable<KeyValuePair<string, string>> variables, IEnumerable<string>? provisionedFiles = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));

        foreach (var file in Files())
        {
            Add("file:" + file);
            // Line endings must not change the hash between a Windows and a Linux checkout.
            Add(File.ReadAllText(Path.Combine(Directory, file)).ReplaceLineEndings("\n"));
        }
        foreach (var file in (provisionedFiles ?? []).Order(StringComparer.Ordinal))
        {
            Add("provisioned:" + Path.GetFileName(file));
            Add(File.ReadAllText(file).ReplaceLineEndings("\n"));
        }
        foreach (var (key, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            Add($"var:{key}={value}");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Template files relative to the directory, '/'-separated, sorted; manifests and caches excluded.</summary>
    public IReadOnlyList<string> Files() =>
    [
        .. System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("packer_cache/", StringComparison.Ordinal) && !f.EndsWith("manifest.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];
}
