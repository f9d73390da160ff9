using System.Text.RegularExpressions;

namespace Tests.Peers;

/// <summary>
/// The real hashicorp/aws provider from the machine's Terraform filesystem mirror (no network here): its folder,
/// and a CLI configuration that installs providers from it, written once for the test run.
/// </summary>
public static partial class ProviderMirror
{
    private static readonly Lazy<string?> Folder = new(Find);
    private static readonly Lazy<string?> ConfigFile = new(WriteConfig);

    /// <summary>Where the mirror is looked for when TF_CLI_CONFIG_FILE names none (this machine's kind keeps it in /opt).</summary>
    private static readonly string[] Roots = ["/opt", "/usr/local/share", "/usr/share", Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".terraform.d")];

    public static bool IsAvailable => Folder.Value is not null;

    /// <summary>A CLI configuration (for TF_CLI_CONFIG_FILE) that takes hashicorp/* providers from the mirror.</summary>
    public static string CliConfigFile => ConfigFile.Value ?? throw new InvalidOperationException("No Terraform provider mirror on this machine.");

    public static void Require() =>
        RequiredPeer.Require(IsAvailable, "no hashicorp/aws provider in a Terraform filesystem mirror (terraform-provider-aws_* under registry.terraform.io/hashicorp/aws); .ci/run finds it");

    private static string? Find()
    {
        var configured = System.Environment.GetEnvironmentVariable("TF_CLI_CONFIG_FILE");
        if (configured is not null && File.Exists(configured) && MirrorPath().Match(File.ReadAllText(configured)) is { Success: true } match
            && HasAws(match.Groups["path"].Value))
            return match.Groups["path"].Value;
        foreach (var root in Roots.Where(Directory.Exists))
        {
            var found = Directory.EnumerateDirectories(root, "registry.terraform.io", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3, IgnoreInaccessible = true })
                .Select(Path.GetDirectoryName).FirstOrDefault(folder => folder is not null && HasAws(folder));
            if (found is not null) return found;
        }
        return null;
    }

    private static bool HasAws(string mirror) => Directory.Exists(Path.Combine(mirror, "registry.terraform.io", "hashicorp", "aws"));

    private static string? WriteConfig()
    {
        if (Folder.Value is not { } folder) return null;
        var file = Path.Combine(Path.GetTempPath(), $"provider-mirror-{System.Environment.ProcessId}.tfrc");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        File.WriteAllText(file, $$"""
            provider_installation {
              filesystem_mirror {
                path    = "{{folder}}"
                include = ["registry.terraform.io/hashicorp/*"]
              }
              direct {
                exclude = ["registry.terraform.io/hashicorp/*"]
              }
            }
            """);
        return file;
    }

    [GeneratedRegex(@"filesystem_mirror\s*\{[^}]*?path\s*=\s*""(?<path>[^""]+)""", RegexOptions.Singleline)]
    private static partial Regex MirrorPath();
}
