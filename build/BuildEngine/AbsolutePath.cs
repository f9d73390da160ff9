namespace BuildEngine;

/// <summary>An absolute, normalized file-system path with NUKE's <c>/</c> operator.</summary>
public sealed record AbsolutePath
{
    private AbsolutePath(string value) => Value = value;

    public string Value { get; }

    public static AbsolutePath Create(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("A path cannot be empty.", nameof(path));
        return new AbsolutePath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
    }

    public static AbsolutePath operator /(AbsolutePath left, string right) =>
        Create(Path.Combine(left.Value, right));

    public AbsolutePath Parent => Create(Path.GetDirectoryName(Value) ?? Value);

    public string Name => Path.GetFileName(Value);

    public bool FileExists() => File.Exists(Value);

    public bool DirectoryExists() => Directory.Exists(Value);

    public AbsolutePath CreateDirectory()
    {
        Directory.CreateDirectory(Value);
        return this;
    }

    public string GetRelativePathFrom(AbsolutePath root) =>
        Path.GetRelativePath(root.Value, Value).Replace('\\', '/');

    public override string ToString() => Value;

    public static implicit operator string(AbsolutePath path) => path.Value;
}
