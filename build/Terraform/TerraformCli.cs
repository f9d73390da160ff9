using System.Text.Json;
using BuildEngine.Processes;

namespace Pipeline.Terraform;

/// <summary>Terraform refused to apply a saved plan because the state changed since it was made.</summary>
public sealed class StalePlanException(string message) : Exception(message);

/// <summary>A finished plan: whether it has changes, and what Terraform printed (to echo once masked).</summary>
public sealed partial record PlanRun(bool HasChanges, IReadOnlyList<string> Output)
{
    /// <summary>
    /// The plan as <c>terraform show &lt;planfile&gt;</c> prints it, taken from the plan's own output: the progress
    /// lines of refresh and data reads and the "Saved the plan to" trailer left out. With the real AWS provider each
    /// <c>show</c> costs seconds of CPU loading its schema, for text the plan already printed.
    /// </summary>
    public string ReviewText()
    {
        var lines = Output.Where(line => !ProgressLine().IsMatch(line)).ToList();
        var trailer = lines.FindIndex(line => line.StartsWith("Saved the plan to:", StringComparison.Ordinal));
        if (trailer >= 0)
        {
            var rule = lines.FindLastIndex(trailer, line => line.StartsWith('─'));
            lines = lines[..(rule >= 0 ? rule : trailer)];
        }
        return string.Join('\n', lines.SkipWhile(string.IsNullOrWhiteSpace)).TrimEnd() + "\n";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\S.*: (Refreshing state\.\.\.|Reading\.\.\.|Still reading\.\.\.|Read complete after )")]
    private static partial System.Text.RegularExpressions.Regex ProgressLine();
}

/// <summary>A Terraform command failed; the message carries Terraform's own error lines.</summary>
public sealed class TerraformException(string message, string details = "") : Exception(message)
{
    /// <summary>Everything Terraform said, one line, for callers that tell one failure from another.</summary>
    public string Details { get; } = details;
}

/// <summary>
/// The Terraform (or OpenTofu) CLI on one root module: typed calls in, typed results out, every process through the
/// engine's tool runner. Always non-interactive (<c>-input=false</c>) and colourless.
/// </summary>
public sealed class TerraformCli(ToolRunner tools, string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
{
    public async Task<Version> VersionAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["version", "-json"], cancellationToken, echo: false);
        Check(result, "version");
        try
        {
            using var document = JsonDocument.Parse(result.Output);
            return VersionConstraint.Parse(document.RootElement.GetProperty("terraform_version").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException)
        {
            throw new TerraformException($"'{executable} version -json' printed no terraform_version; is '{executable}' Terraform or OpenTofu?");
        }
    }

    public async Task FormatCheckAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["fmt", "-check", "-recursive", "-diff", "-no-color"], cancellationToken);
        if (result.ExitCode != 0)
            throw new TerraformException($"{executable} fmt: files in {workingDirectory} are not formatted (diff above); run '{executable} fmt -recursive'.");
    }

    /// <summary><c>init</c> with the environment's backend file, or without a backend for offline validation.</summary>
    public async Task InitAsync(string? backendConfigFile, CancellationToken cancellationToken)
    {
        string[] backend = backendConfigFile is null ? ["-backend=false"] : [$"-backend-config={backendConfigFile}", "-reconfigure"];
        Check(await RunAsync(["init", "-input=false", "-no-color", "-lockfile=readonly", .. backend], cancellationToken), "init");
    }

    /// <summary><c>force-unlock -force &lt;id&gt;</c>: releases the state's lock without asking; the caller decided.</summary>
    public async Task ForceUnlockAsync(string lockId, CancellationToken cancellationToken) =>
        Check(await RunAsync(["force-unlock", "-force", lockId], cancellationToken), "force-unlock");

    public async Task ValidateAsync(CancellationToken cancellationToken) =>
        Check(await RunAsync(["validate", "-no-color"], cancellationToken), "validate");

    /// <summary>
    /// <c>plan -detailed-exitcode -out</c>, its output kept, not echoed: Terraform prints some sensitive values in clear,
    /// and which ones is known only from the plan's JSON. A speculative plan (a pull request's) never writes state,
    /// so it does not take the state lock: read-only credentials suffice and a deploy never waits for it.
    /// </summary>
    public async Task<PlanRun> PlanAsync(string planFile, IEnumerable<string> variableArguments, bool speculative, CancellationToken cancellationToken, bool destroy = false)
    {
        string[] locking = speculative ? ["-lock=false"] : ["-lock-timeout=5m"];
        string[] mode = destroy ? ["-destroy"] : [];
        var result = await RunAsync(["plan", "-input=false", "-no-color", .. mode, .. locking, "-detailed-exitcode", $"-out={planFile}", .. variableArguments], cancellationToken, echo: false);
        var lines = result.StandardOutput.Concat(result.StandardError).ToList();
        return result.ExitCode switch
        {
            0 => new PlanRun(false, lines),
            2 => new PlanRun(true, lines),
            _ => throw EchoedFailure(result, "plan"),
        };
    }

    /// <summary><c>show -json</c> of a saved plan, streamed into a file (plans can be hundreds of megabytes).</summary>
    public async Task ShowJsonAsync(string planFile, string jsonFile, CancellationToken cancellationToken)
    {
        var result = await tools.RunAsync(Invocation(["show", "-json", "-no-color", planFile]) with { StandardOutputPath = jsonFile }, cancellationToken);
        Check(result, "show -json");
    }

    /// <summary>Applies exactly the saved plan: no re-plan, no prompt.</summary>
    public async Task ApplyAsync(string planFile, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["apply", "-input=false", "-no-color", "-lock-timeout=5m", planFile], cancellationToken);
        if (result.ExitCode == 0)
            return;
        if ((result.Error + result.Output).Contains("Saved plan is stale", StringComparison.OrdinalIgnoreCase))
            throw new StalePlanException("The saved plan is stale: the state changed after it was made (another apply ran). Nothing was applied; re-run TerraformPlan and review the new plan.");
        throw Failure(result, "apply");
    }

    /// <summary><c>output -json</c>, never echoed: Terraform prints sensitive values in clear there.</summary>
    public async Task<TerraformOutputs> OutputsAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["output", "-json", "-no-color"], cancellationToken, echo: false);
        Check(result, "output -json");
        return TerraformOutputs.Parse(result.Output, $"'{executable} output -json'");
    }

    private Task<ToolResult> RunAsync(string[] arguments, CancellationToken cancellationToken, bool echo = true) =>
        tools.RunAsync(Invocation(arguments) with { EchoOutput = echo }, cancellationToken);

    private ToolInvocation Invocation(string[] arguments) => new(executable, arguments)
    {
        WorkingDirectory = workingDirectory,
        // CHECKPOINT_DISABLE: no call to HashiCorp's version-check service on every run.
        Environment = new Dictionary<string, string?>(environment) { ["TF_IN_AUTOMATION"] = "1", ["TF_INPUT"] = "0", ["CHECKPOINT_DISABLE"] = "1" },
    };

    private void Check(ToolResult result, string command)
    {
        if (result.ExitCode != 0)
            throw Failure(result, command);
    }

    /// <summary>Terraform's diagnostics (stderr, never the plan's diff) echoed, then the one-line failure.</summary>
    private TerraformException EchoedFailure(ToolResult result, string command)
    {
        foreach (var line in result.StandardError)
            tools.Echo(line);
        return Failure(result, command);
    }

    private TerraformException Failure(ToolResult result, string command)
    {
        var lines = result.StandardError.Concat(result.StandardOutput).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var error = lines.FirstOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "no output";
        return new TerraformException($"{executable} {command} failed (exit code {result.ExitCode}): {error}", string.Join(' ', lines));
    }
}
