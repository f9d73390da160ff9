using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.Feedback.GitHub;

/// <summary>A GitHub App could not give the run a token: the key, the app or its installation. One line, no token in it.</summary>
public sealed class GitHubAppException(string message) : Exception(message);

/// <summary>
/// A GitHub App as the pipeline authenticates it: its id (or client id) and private key, turned into the short
/// JSON Web Token that asks GitHub for installation tokens (RS256, issued 60 s in the past against clock drift,
/// valid 9 minutes: GitHub refuses more than 10).
/// </summary>
public sealed class GitHubApp : IDisposable
{
    public static readonly TimeSpan IssuedBefore = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    private readonly RSA _key;

    private GitHubApp(string id, RSA key)
    {
        Id = id;
        _key = key;
    }

    /// <summary>The app id (digits) or its client id (Iv1.…), as the app's settings page shows them.</summary>
    public string Id { get; }

    /// <summary>
    /// The app from its PEM private key (PKCS#1 as GitHub downloads it, or PKCS#8). <paramref name="source"/> names
    /// where the key came from for the error, which never shows the key.
    /// </summary>
    public static GitHubApp FromPem(string id, string pem, string source)
    {
        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            key.ExportParameters(includePrivateParameters: true); // a public key imports too, but cannot sign
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new GitHubAppException(
                $"{source} is not a PEM RSA private key; expected the .pem file GitHub generates for the app (-----BEGIN RSA PRIVATE KEY-----).");
        }
        if (key.KeySize < 2048)
        {
            key.Dispose();
            throw new GitHubAppException($"{source} is a {key.KeySize}-bit RSA key; GitHub App keys are 2048 bits or more.");
        }
        return new GitHubApp(id, key);
    }

    /// <summary>The JWT GitHub's <c>/app</c> endpoints take as <c>Authorization: Bearer</c>.</summary>
    public string CreateJwt(DateTimeOffset now)
    {
        var header = Encode(w =>
        {
            w.WriteString("alg", "RS256");
            w.WriteString("typ", "JWT");
        });
        var payload = Encode(w =>
        {
            w.WriteNumber("iat", (now - IssuedBefore).ToUnixTimeSeconds());
            w.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            if (long.TryParse(Id, out var number)) w.WriteNumber("iss", number);
            else w.WriteString("iss", Id);
        });
        var signed = $"{header}.{payload}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Base64Url.EncodeToString(buffer.ToArray());
    }

    public void Dispose() => _key.Dispose();
}
