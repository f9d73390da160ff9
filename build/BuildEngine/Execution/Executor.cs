using System.Diagnostics;
using BuildEngine.Output;
using BuildEngine.Planning;

namespace BuildEngine.Execution;

/// <summary>Hooks around each target, for feedback such as commit statuses and chat messages.</summary>
public interface ITargetObserver
{
    Task TargetStartingAsync(string target, CancellationToken cancellationToken);

    Task TargetFinishedAsync(TargetResult result, CancellationToken cancellationToken);
}

/// <summary>Runs an <see cref="ExecutionPlan"/> in order: awaits every action, never blocks on one.</summary>
public sealed class Executor(BuildOutput output, IReadOnlyList<ITargetObserver> observers, TargetSummaries summaries, AbsolutePath root, Definition.BuildGraph graph, TimeSpan heartbeatInterval)
{
    private readonly HandedFiles _handedFiles = new(root, graph);
    private readonly Heartbeat _heartbeat = new(output, heartbeatInterval);

    public async Task<BuildResult> RunAsync(ExecutionPlan plan, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, TargetResult>(StringComparer.Ordinal);
        var ordered = new List<TargetResult>();
        var stopped = false;

        foreach (var planned in plan.Targets)
        {
            var target = planned.Target;
            TargetResult result;
            var failedDependency = target.DependsOn
                .FirstOrDefault(d => results.TryGetValue(d, out var r) && r.Status is TargetStatus.Failed or TargetStatus.NotRun or TargetStatus.Aborted);

            if (cancellationToken.IsCancellationRequested)
                result = new TargetResult(target.Name, TargetStatus.NotRun, TimeSpan.Zero, "cancelled");
            else if (planned.SkipReason is not null)
                result = new TargetResult(target.Name, TargetStatus.Skipped, TimeSpan.Zero, planned.SkipReason);
            else if (stopped && !target.AssuredAfterFailure)
                result = new TargetResult(target.Name, TargetStatus.NotRun, TimeSpan.Zero, "an earlier target failed");
            else if (failedDependency is not null)
                result = new TargetResult(target.Name, TargetStatus.NotRun, TimeSpan.Zero, $"dependency {failedDependency} did not succeed");
            else
                result = await RunTargetAsync(planned, cancellationToken);

            if (result.Status is TargetStatus.Skipped && planned.SkipReason is not null)
            {
                output.Detail($"Skipping {target.Name}: {result.Reason}");
                // A condition that skips the target is news; --skip only means "another job runs it".
                if (!planned.SkippedByOption)
                    await NotifyAsync(o => o.TargetFinishedAsync(result, cancellationToken));
            }
            results[target.Name] = result;
            ordered.Add(result);
            if (result.Status is TargetStatus.Failed && !target.ProceedAfterFailure)
                stopped = true;
        }
        return new BuildResult(ordered);
    }

    private async Task<TargetResult> RunTargetAsync(PlannedTarget planned, CancellationToken cancellationToken)
    {
        var target = planned.Target;
        foreach (var condition in target.DynamicConditions)
        {
            bool holds;
            try
            {
                holds = condition.Evaluate();
            }
            catch (Exception e)
            {
                return await FinishAsync(new TargetResult(target.Name, TargetStatus.Failed, TimeSpan.Zero,
                    $"condition '{condition.Text}' threw {e.GetType().Name}: {e.Message}"), cancellationToken);
            }
            if (!holds)
            {
                var skipped = new TargetResult(target.Name, TargetStatus.Skipped, TimeSpan.Zero, $"condition false: {condition.Text}");
                output.Detail($"Skipping {target.Name}: {skipped.Reason}");
                return await FinishAsync(skipped, cancellationToken);
            }
        }

        if (_handedFiles.MissingConsumed(target) is { } missingInput)
        {
            output.Error($"{target.Name} cannot run: {missingInput}.");
            return await FinishAsync(new TargetResult(target.Name, TargetStatus.Failed, TimeSpan.Zero, $"cannot run: {missingInput}"), cancellationToken);
        }

        output.Header(target.Name);
        await NotifyAsync(o => o.TargetStartingAsync(target.Name, cancellationToken));
        var stopwatch = Stopwatch.StartNew();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (target.MaxDuration is { } limit)
            running.CancelAfter(limit);
        using var finished = new CancellationTokenSource();
        var heartbeat = _heartbeat.RunAsync(target.Name, stopwatch, finished.Token);
        TargetResult result;
        try
        {
            foreach (var action in target.Actions)
                await action(running.Token);
            if (_handedFiles.MissingProduced(target) is { } missingOutput)
                throw new InvalidOperationException(missingOutput);
            result = new TargetResult(target.Name, TargetStatus.Succeeded, stopwatch.Elapsed);
            output.Success($"{target.Name} succeeded in {Durations.Format(stopwatch.Elapsed)}");
        }
        catch (TargetSkippedException skipped)
        {
            result = new TargetResult(target.Name, TargetStatus.Skipped, stopwatch.Elapsed, skipped.Reason);
            output.Detail($"{target.Name} skipped: {skipped.Reason}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new TargetResult(target.Name, TargetStatus.Aborted, stopwatch.Elapsed, "cancelled");
            output.Error($"{target.Name} aborted after {Durations.Format(stopwatch.Elapsed)}");
        }
        catch (Exception) when (running.IsCancellationRequested && target.MaxDuration is { } maximum)
        {
            var message = $"stopped after its maximum duration of {Durations.Format(maximum)} (MaxDuration); its tools were interrupted";
            result = new TargetResult(target.Name, TargetStatus.Failed, stopwatch.Elapsed, message);
            output.Error($"{target.Name} failed: {message}");
        }
        catch (Exception e)
        {
            var message = FailureMessage(e);
            result = new TargetResult(target.Name, TargetStatus.Failed, stopwatch.Elapsed, message);
            output.Error($"{target.Name} failed: {message}");
            output.LogOnly(e.ToString());
        }
        finally
        {
            await finished.CancelAsync();
            await heartbeat;
        }
        return await FinishAsync(result with { Summary = summaries.Get(target.Name) }, cancellationToken);
    }

    private async Task<TargetResult> FinishAsync(TargetResult result, CancellationToken cancellationToken)
    {
        await NotifyAsync(o => o.TargetFinishedAsync(result, cancellationToken));
        return result;
    }

    /// <summary>Feedback never changes a target's outcome: an observer that throws is reported and ignored.</summary>
    private async Task NotifyAsync(Func<ITargetObserver, Task> notify)
    {
        foreach (var observer in observers)
        {
            try
            {
                await notify(observer);
            }
            catch (Exception e)
            {
                output.Warning($"{observer.GetType().Name}: {e.Message}");
            }
        }
    }

    private static string FailureMessage(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
        return inner.Message.Split('\n')[0].Trim();
    }
}
