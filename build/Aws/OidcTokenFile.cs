namespace Pipeline.Aws;

/// <summary>
/// CircleCI's OIDC token as the file AWS_WEB_IDENTITY_TOKEN_FILE names: readable by this user only, one per build
/// process, written atomically (a re-minted token replaces it in place) and removed when each target finishes.
/// </summary>
public static class OidcTokenFile
{
    public static string Write(string folder, string token)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathIn(folder);
        if (File.Exists(path) && File.ReadAllText(path) == token)
            return path;
        var next = path + ".next";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(next, options))
            writer.Write(token);
        File.Move(next, path, overwrite: true);
        return path;
    }

    public static string PathIn(string folder) => Path.Combine(folder, $"token-{Environment.ProcessId}.jwt");

    public static void Remove(string folder)
    {
        if (Directory.Exists(folder))
            File.Delete(PathIn(folder));
    }
}
