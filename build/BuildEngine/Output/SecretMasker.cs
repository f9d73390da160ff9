using System.Text.Encodings.Web;
using System.Text.Json;

namespace BuildEngine.Output;

/// <summary>
/// The one place secrets are masked and shown text is made to read as what it holds. Every writer of the engine
/// (console, log file, summary, errors, echoed command lines) and every message the pipeline sends passes its text
/// through here. Later code registers secrets found at run time.
/// </summary>
public sealed class SecretMasker
{
    /// <summary>Shorter values would mask ordinary words and numbers all over the output.</summary>
    public const int MinimumLength = 4;

    public const string Mask = "***";

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    public void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return;
        var forms = new List<string> { secret, secret.Trim() };
        // A multi-line secret (a private key) reaches output one line at a time.
        forms.AddRange(secret.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => !IsStructural(l)));
        // Inside JSON or an escaped log line a secret appears encoded.
        forms.Add(JsonEncodedText.Encode(secret).ToString());
        forms.Add(JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        lock (_gate)
        {
            _secrets = [.. _secrets.Concat(forms.Where(f => f.Length >= MinimumLength))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>Masks every registered secret, then escapes control and bidirectional characters (see <see cref="ControlCharacters"/>).</summary>
    public string Apply(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var secrets = _secrets;
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return ControlCharacters.EscapeForDisplay(text);
    }

    /// <summary>Lines such as <c>-----END OPENSSH PRIVATE KEY-----</c> are not secret and appear in docs.</summary>
    private static bool IsStructural(string line) => line.StartsWith("-----", StringComparison.Ordinal);
}
