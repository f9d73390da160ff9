using System.Globalization;
using BuildEngine.Definition;

namespace BuildEngine.Generation;

/// <summary>A file the build generates from its own definition, and whether the committed copy is current.</summary>
public sealed record GeneratedFile(string RelativePath, Func<BuildGraph, string> Generate);

/// <summary>
/// Keeps generated files (schema, launch profiles, and whatever else the pipeline registers) in sync with the
/// targets. Locally they are rewritten when the compiled build changed and the content differs; on CI they
/// are never written, and <see cref="FindStale"/> lets a check fail instead.
/// </summary>
public sealed class GeneratedFiles(AbsolutePath rootDirectory, IEnumerable<GeneratedFile> files)
{
    public static readonly GeneratedFile Schema = new(".nuke/build.schema.json", SchemaGenerator.Generate);
    public static readonly GeneratedFile LaunchSettings = new("build/Properties/launchSettings.json", LaunchSettingsGenerator.Generate);

    // Listed only when something is generated or checked: listing them builds the pipeline declarations (the CircleCI
    // one reads every parameters file), which a warm start whose stamp matches never needs.
    private readonly Lazy<IReadOnlyList<GeneratedFile>> _files = new(() => [.. files]);

    /// <summary>Regenerates only when the build or its parameter files differ from the ones that last did (a cheap check on warm starts).</summary>
    public IReadOnlyList<string> UpdateIfBuildChanged(BuildGraph graph, string buildIdentity)
    {
        var stamp = rootDirectory / ".nuke" / "temp" / "generated.stamp";
        if (stamp.FileExists() && File.ReadAllText(stamp) == buildIdentity)
            return [];
        var written = Update(graph);
        stamp.Parent.CreateDirectory();
        File.WriteAllText(stamp, buildIdentity);
        return written;
    }

    /// <summary>
    /// Every <c>.nuke/parameters*.json</c> by name, size and time of last write: part of what generated files are made
    /// from. Read on every local run, so stat only, no hashing; an edit changes the time.
    /// </summary>
    public static string ParameterFilesFingerprint(AbsolutePath rootDirectory)
    {
        var folder = rootDirectory / ".nuke";
        if (!folder.DirectoryExists()) return "none";
        var files = new DirectoryInfo(folder).GetFiles("parameters*.json");
        Array.Sort(files, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return string.Join('|', files.Select(f => f.Name + ":" + f.Length.ToString(CultureInfo.InvariantCulture) + ":" + f.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes every file whose content would change; returns their relative paths.</summary>
    public IReadOnlyList<string> Update(BuildGraph graph)
    {
        var written = new List<string>();
        foreach (var (file, content) in Stale(graph))
        {
            AtomicFile.WriteAllText(rootDirectory / file.RelativePath, content);
            written.Add(file.RelativePath);
        }
        return written;
    }

    /// <summary>The relative paths of files that are missing or differ from what would be generated.</summary>
    public IReadOnlyList<string> FindStale(BuildGraph graph) => [.. Stale(graph).Select(s => s.File.RelativePath)];

    private IEnumerable<(GeneratedFile File, string Content)> Stale(BuildGraph graph)
    {
        foreach (var file in _files.Value)
        {
            var content = file.Generate(graph);
            var path = rootDirectory / file.RelativePath;
            if (!path.FileExists() || File.ReadAllText(path).ReplaceLineEndings("\n") != content)
                yield return (file, content);
        }
    }
}
