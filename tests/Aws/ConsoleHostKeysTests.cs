using Pipeline.Aws;

namespace Tests.Aws;

public sealed class ConsoleHostKeysTests
{
    // A well-formed ed25519 public key blob (test data; it belongs to no host).
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmSPrmeDbnw+VDlLVZQ8w7lo4D2cZLHNlY2iwFW8ZKP";

    internal static string Console(string key, string? fingerprint = null) =>
        File.ReadAllText(Path.Combine(Bootstrap.RepositoryCopy.RepositoryRoot, "tests", "Ansible", "Fixtures", "cloud-init-console.txt"))
            .Replace("{{ED25519_KEY}}", key)
            .Replace("{{ED25519_FINGERPRINT}}", fingerprint ?? HostKey.TryParse(key)!.Fingerprint);

    [Fact]
    public void Keys_are_read_from_cloud_inits_block_and_checked_against_its_fingerprints()
    {
        var keys = ConsoleHostKeys.Parse(Console(Key));

        var key = Assert.Single(keys);
        Assert.Equal(Key, key.ToString());
        Assert.StartsWith("SHA256:", key.Fingerprint);
    }

    [Fact]
    public void A_key_whose_fingerprint_is_not_listed_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => ConsoleHostKeys.Parse(Console(Key, "SHA256:notthefingerprintofthatkeyatall0000000000")));

        Assert.Contains("refusing to pin it", error.Message);
    }

    [Fact]
    public void Output_before_cloud_init_printed_the_keys_has_none()
    {
        var early = Console(Key).Split("-----BEGIN SSH HOST KEY KEYS-----")[0];

        Assert.Empty(ConsoleHostKeys.Parse(early));
        Assert.Empty(ConsoleHostKeys.Parse(""));
    }

    [Fact]
    public void The_last_boot_wins_when_the_console_holds_several()
    {
        const string newer = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDo0H7kCP7bfB7qgQyh4RFYgZj3sw2+E1pYgSWS0mC8I";
        var twoBoots = Console(Key) + "\n[    0.000000] Linux version reboot\n" + Console(newer);

        Assert.Equal(newer, Assert.Single(ConsoleHostKeys.Parse(twoBoots)).ToString());
    }
}
