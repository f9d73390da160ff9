using BuildEngine.Definition;

namespace BuildEngine.Execution;

/// <summary>
/// Checks the files targets hand to each other (each target may be its own process and CI job): a target that
/// succeeds must have written what it declares with Produces, and a target runs only when what it Consumes exists.
/// A path ending in '/' is a directory; a '*' segment matches any one name (as in CircleCI's persist_to_workspace
/// paths), and such a path exists when something matches it.
/// </summary>
internal sealed class HandedFiles(AbsolutePath root, BuildGraph graph)
{
    public string? MissingProduced(TargetNode target)
    {
        var missing = target.Produces.Where(p => !Exists(p)).ToList();
        return missing.Count == 0 ? null : $"it declares Produces {string.Join(", ", missing)} but did not write {(missing.Count == 1 ? "it" : "them")}";
    }

    public string? MissingConsumed(TargetNode target)
    {
        foreach (var consumed in target.Consumes)
        {
            var paths = consumed.Paths.Length > 0 ? consumed.Paths : graph[consumed.Target].Produces;
            var missing = paths.Where(p => !Exists(p)).ToList();
            if (missing.Count > 0)
                return $"it consumes {string.Join(", ", missing)} from {consumed.Target}, which is missing: run {consumed.Target} first, or attach the workspace of the job that ran it";
        }
        return null;
    }

    private bool Exists(string relative)
    {
        if (relative.Contains('*'))
            return Matches(root, relative.TrimEnd('/').Split('/'), directory: relative.EndsWith('/'));
        var path = root / relative.TrimEnd('/');
        return relative.EndsWith('/') ? path.DirectoryExists() : path.FileExists() || path.DirectoryExists();
    }

    private static bool Matches(string folder, ReadOnlySpan<string> segments, bool directory)
    {
        if (!Directory.Exists(folder))
            return false;
        var segment = segments[0];
        var last = segments.Length == 1;
        var candidates = segment == "*" ? (last && !directory ? Directory.EnumerateFileSystemEntries(folder) : Directory.EnumerateDirectories(folder))
            : [Path.Combine(folder, segment)];
        foreach (var candidate in candidates)
        {
            if (last ? directory ? Directory.Exists(candidate) : File.Exists(candidate) || Directory.Exists(candidate) : Matches(candidate, segments[1..], directory))
                return true;
        }
        return false;
    }
}
