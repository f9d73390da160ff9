namespace Tests;

/// <summary>File helpers the tests share: copying a folder of the repository, removing a temp folder.</summary>
public static class TestFiles
{
    /// <summary>
    /// Copies a folder, leaving out build outputs and caches (bin, obj, .nuke/temp, .terraform, packer_cache) unless
    /// <paramref name="everything"/> (a compiled build itself), replacing files already there.
    /// </summary>
    public static void CopyDirectory(string source, string target, bool everything = false)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        foreach (var directory in Directory.GetDirectories(source))
        {
            if (!everything && Path.GetFileName(directory) is "bin" or "obj" or "temp" or ".terraform" or "packer_cache") continue;
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)), everything);
        }
    }

    public static void DeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
