namespace BuildEngine.Ci;

/// <summary>The commit and branch of a checkout, read from .git directly (no git process on the start path).</summary>
public sealed record GitRepository(string? Commit, string? Branch)
{
    public static GitRepository Read(AbsolutePath root)
    {
        var gitDirectory = FindGitDirectory(root);
        if (gitDirectory is null)
            return new GitRepository(null, null);
        var head = ReadFirstLine(Path.Combine(gitDirectory, "HEAD"));
        if (head is null)
            return new GitRepository(null, null);
        if (!head.StartsWith("ref: ", StringComparison.Ordinal))
            return new GitRepository(head, null); // detached HEAD, as CI checkouts often are

        var reference = head[5..].Trim();
        var branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference[11..] : reference;
        return new GitRepository(ResolveReference(gitDirectory, reference), branch);
    }

    private static string? FindGitDirectory(AbsolutePath root)
    {
        var candidate = Path.Combine(root, ".git");
        if (Directory.Exists(candidate))
            return candidate;
        // A worktree or submodule has a .git file pointing at the real directory.
        var pointer = File.Exists(candidate) ? ReadFirstLine(candidate) : null;
        if (pointer is not null && pointer.StartsWith("gitdir: ", StringComparison.Ordinal))
            return Path.GetFullPath(Path.Combine(root, pointer[8..].Trim()));
        return null;
    }

    private static string? ResolveReference(string gitDirectory, string reference)
    {
        var loose = ReadFirstLine(Path.Combine(gitDirectory, reference));
        if (loose is not null)
            return loose;
        var commonDirectory = ReadFirstLine(Path.Combine(gitDirectory, "commondir"));
        var packedRefs = Path.Combine(commonDirectory is null ? gitDirectory : Path.Combine(gitDirectory, commonDirectory), "packed-refs");
        if (!File.Exists(packedRefs))
            return null;
        foreach (var line in File.ReadLines(packedRefs))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[1] == reference)
                return parts[0];
        }
        return null;
    }

    private static string? ReadFirstLine(string path) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
}
