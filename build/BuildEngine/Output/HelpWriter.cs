using BuildEngine.Definition;
using BuildEngine.Planning;

namespace BuildEngine.Output;

/// <summary>Writes <c>--help</c> and <c>--plan</c>.</summary>
public static class HelpWriter
{
    public static void WriteHelp(BuildOutput output, BuildGraph graph)
    {
        output.Write("Usage: ./build.sh [targets] [--skip [targets]] [--plan] [--profile name...] [--help] [--<parameter> value]", OutputKind.Header);
        output.Write("");
        output.Write("Targets (default marked with *):", OutputKind.Header);
        var listed = graph.Targets.Where(t => !t.Unlisted).ToList();
        var width = listed.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 2;
        foreach (var target in listed)
        {
            var marker = target.IsDefault ? "*" : " ";
            var dependencies = target.DependsOn.Length > 0 ? $" (depends on: {string.Join(", ", target.DependsOn)})" : "";
            output.Write($"  {marker} {target.Name.PadRight(width)}{target.Description}{dependencies}");
        }
        output.Write("");
        output.Write("Parameters (command line > environment > --profile files > .nuke/parameters.json > default):", OutputKind.Header);
        output.Write("    Every value is one line without control or bidirectional characters unless it says multi-line.", OutputKind.Detail);
        foreach (var parameter in graph.Parameters)
        {
            var flags = string.Join(", ", new[]
            {
                parameter.TypeDisplay,
                parameter.Constraints.Describe(),
                parameter.DefaultValue is null ? null : $"default: {parameter.DefaultValue}",
                $"env: {parameter.EnvironmentVariable}",
                parameter.IsSecret ? "secret" : null,
                parameter.Constraints.IsMultiLine ? "multi-line" : null,
                parameter.IsRequired ? "required" : null,
            }.Where(f => f is not null));
            output.Write($"    {parameter.Option}  {parameter.Description} [{flags}]");
            if (parameter.Type.IsEnum || (parameter.Type.GetElementType()?.IsEnum ?? false))
                output.Write($"        values: {string.Join(", ", Enum.GetNames(parameter.Type.IsArray ? parameter.Type.GetElementType()! : parameter.Type))}", OutputKind.Detail);
        }
        output.Write("");
        output.Write("Options:", OutputKind.Header);
        output.Write("    --skip [targets]     skip the named targets, or every target not invoked");
        output.Write("    --plan               print the ordered plan and exit");
        output.Write("    --profile <name...>  read .nuke/parameters.<name>.json (later wins)");
        output.Write("    --help               this text");
    }

    public static void WritePlan(BuildOutput output, ExecutionPlan plan)
    {
        output.Write("Execution plan:", OutputKind.Header);
        var index = 1;
        foreach (var planned in plan.Targets)
        {
            var invoked = planned.Invoked ? " (invoked)" : "";
            var skip = planned.SkipReason is null ? "" : $"  [skipped: {planned.SkipReason}]";
            output.Write($"  {index++,2}. {planned.Target.Name}{invoked}{skip}", planned.IsSkipped ? OutputKind.Detail : OutputKind.Normal);
        }
    }
}
