using System.Text.Json;

namespace Pipeline.Tools;

/// <summary><c>.nuke/tools.json</c>: the Packer and Terraform versions the pipeline installs on CI.</summary>
public sealed record PinnedTools(IReadOnlyDictionary<string, string> Versions)
{
    public static PinnedTools Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist; expected {{\"packer\": \"<version>\", \"terraform\": \"<version>\"}}.");
        try
        {
            var versions = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                           ?? throw new JsonException("null");
            return new PinnedTools(versions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid ({e.Message}); expected {{\"packer\": \"<version>\", \"terraform\": \"<version>\"}}.");
        }
    }
}
