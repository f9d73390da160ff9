using BuildEngine.Definition;

namespace BuildEngine.Generation;

/// <summary>
/// <c>build/Properties/launchSettings.json</c>: one profile per target, so Rider, Visual Studio and VS Code run
/// and debug any target without a plugin.
/// </summary>
public static class LaunchSettingsGenerator
{
    public static string Generate(BuildGraph graph) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("profiles");
        foreach (var target in graph.Targets.Where(t => !t.Unlisted))
        {
            writer.WriteStartObject(target.Name);
            writer.WriteString("commandName", "Project");
            writer.WriteString("commandLineArgs", target.Name);
            writer.WriteString("workingDirectory", "$(ProjectDir)..");
            writer.WriteEndObject();
        }
        writer.WriteStartObject("Plan (default target)");
        writer.WriteString("commandName", "Project");
        writer.WriteString("commandLineArgs", "--plan");
        writer.WriteString("workingDirectory", "$(ProjectDir)..");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });
}
