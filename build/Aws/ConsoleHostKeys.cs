using System.Security.Cryptography;

namespace Pipeline.Aws;

/// <summary>An SSH host public key (<c>ssh-ed25519 AAAA…</c>) and its SHA256 fingerprint.</summary>
public sealed record HostKey(string Type, string Base64)
{
    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(Base64))).TrimEnd('=');

    public override string ToString() => $"{Type} {Base64}";

    public static HostKey? TryParse(string line)
    {
        var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !(parts[0].StartsWith("ssh-", StringComparison.Ordinal) || parts[0].StartsWith("ecdsa-", StringComparison.Ordinal)))
            return null;
        try
        {
            Convert.FromBase64String(parts[1]);
            return new HostKey(parts[0], parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The host keys cloud-init prints to the instance's console at first boot, between
/// <c>-----BEGIN SSH HOST KEY KEYS-----</c> and <c>-----END SSH HOST KEY KEYS-----</c>, checked against the
/// <c>SSH HOST KEY FINGERPRINTS</c> block printed beside them when it is there.
/// </summary>
public static class ConsoleHostKeys
{
    private const string KeysBegin = "-----BEGIN SSH HOST KEY KEYS-----";
    private const string KeysEnd = "-----END SSH HOST KEY KEYS-----";
    private const string FingerprintsBegin = "-----BEGIN SSH HOST KEY FINGERPRINTS-----";
    private const string FingerprintsEnd = "-----END SSH HOST KEY FINGERPRINTS-----";

    /// <summary>The keys of the last boot's block; empty when cloud-init has not printed them yet.</summary>
    public static IReadOnlyList<HostKey> Parse(string consoleOutput)
    {
        var lines = consoleOutput.Replace("\r", "").Split('\n');
        var keys = LastBlock(lines, KeysBegin, KeysEnd).Select(StripPrefix).Select(HostKey.TryParse).OfType<HostKey>().ToList();
        var fingerprints = LastBlock(lines, FingerprintsBegin, FingerprintsEnd)
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.StartsWith("SHA256:", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        if (fingerprints.Count > 0)
        {
            var mismatched = keys.Where(k => !fingerprints.Contains(k.Fingerprint)).ToList();
            if (mismatched.Count > 0)
                throw new InvalidDataException($"Console host key {mismatched[0].Type} has fingerprint {mismatched[0].Fingerprint}, which the fingerprint block does not list; refusing to pin it.");
        }
        return keys;
    }

    private static IEnumerable<string> LastBlock(string[] lines, string begin, string end)
    {
        var start = Array.FindLastIndex(lines, l => l.Contains(begin, StringComparison.Ordinal));
        if (start < 0) return [];
        var stop = Array.FindIndex(lines, start + 1, l => l.Contains(end, StringComparison.Ordinal));
        return stop < 0 ? [] : lines[(start + 1)..stop];
    }

    /// <summary>Console lines may carry a kernel timestamp or an "ec2: " prefix before the key.</summary>
    private static string StripPrefix(string line)
    {
        var index = line.IndexOf("ssh-", StringComparison.Ordinal);
        var ecdsa = line.IndexOf("ecdsa-", StringComparison.Ordinal);
        if (ecdsa >= 0 && (index < 0 || ecdsa < index)) index = ecdsa;
        return index > 0 ? line[index..] : line;
    }
}
