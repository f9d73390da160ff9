namespace Pipeline.Packer;

/// <summary>Packer's version, which decides what can run: 1.7 brought <c>packer init</c> and <c>required_plugins</c>.</summary>
public sealed record PackerVersion(Version Version)
{
    public bool HasPluginManagement => Version >= new Version(1, 7, 0);

    /// <summary>Reads <c>Packer v1.6.6</c>, <c>1.11.2</c> or the machine-readable <c>…,version,1.6.6</c>.</summary>
    public static PackerVersion Parse(string output)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Contains(",version,", StringComparison.Ordinal) ? line[(line.LastIndexOf(',') + 1)..] : line;
            candidate = candidate.Replace("Packer", "", StringComparison.OrdinalIgnoreCase).Trim().TrimStart('v');
            var end = candidate.IndexOfAny([' ', '-', '+']);
            if (end > 0) candidate = candidate[..end];
            if (Version.TryParse(candidate, out var version))
                return new PackerVersion(version);
        }
        throw new PackerOutputException($"Cannot read Packer's version from '{output.Trim()}'; expected e.g. 'Packer v1.6.6'.");
    }

    public override string ToString() => Version.ToString(3);
}
