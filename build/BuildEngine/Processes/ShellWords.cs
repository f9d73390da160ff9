namespace BuildEngine.Processes;

/// <summary>A word a POSIX shell (or Python's shlex, which Ansible uses) reads back as exactly that one word.</summary>
public static class ShellWords
{
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '~')
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
