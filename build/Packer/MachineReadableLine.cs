namespace Pipeline.Packer;

/// <summary>
/// One line of <c>packer -machine-readable</c>: <c>timestamp,target,type,data…</c>. Commas inside data are
/// written as <c>%!(PACKER_COMMA)</c> and newlines as a literal <c>\n</c>.
/// </summary>
public sealed record MachineReadableLine(long Timestamp, string Target, string Type, IReadOnlyList<string> Data)
{
    public static MachineReadableLine? Parse(string line)
    {
        var fields = line.Split(',');
        if (fields.Length < 3 || !long.TryParse(fields[0], out var timestamp))
            return null;
        return new MachineReadableLine(timestamp, fields[1], fields[2], [.. fields.Skip(3).Select(Unescape)]);
    }

    public static string Unescape(string field) =>
        field.Replace("%!(PACKER_COMMA)", ",", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal);

    /// <summary>A <c>ui</c> line: its kind (say, message, error) and text.</summary>
    public (string Kind, string Text)? Ui => Type == "ui" && Data.Count >= 2 ? (Data[0], Data[1]) : null;

    /// <summary>An <c>artifact,N,id,…</c> line's AMIs.</summary>
    public IEnumerable<RegionalImage> ArtifactImages =>
        Type == "artifact" && Data.Count >= 3 && Data[1] == "id" ? PackerManifest.ParseArtifactId(Data[2]) : [];
}
