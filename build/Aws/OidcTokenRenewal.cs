using BuildEngine.Execution;

namespace Pipeline.Aws;

/// <summary>
/// CircleCI's OIDC token lives one hour; PackerBuild may run 90 minutes and TerraformApply 60. While a target runs
/// and uses the token file, a fresh token is minted before the old one expires and written over it in place:
/// Terraform and Packer re-read the file when their credentials expire, the build's own clients at their next
/// refresh. After a failed attempt the next one comes a minute later. The file is removed when the target ends.
/// </summary>
public sealed class OidcTokenRenewal(string folder, TimeSpan renewAfter, Func<CancellationToken, Task<string>>? mint, Action<string> renewed, Action<string> warn)
    : ITargetObserver
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public Task TargetStartingAsync(string target, CancellationToken cancellationToken)
    {
        if (mint is not null)
        {
            _stop = new CancellationTokenSource();
            _loop = RenewAsync(_stop.Token);
        }
        return Task.CompletedTask;
    }

    public async Task TargetFinishedAsync(TargetResult result, CancellationToken cancellationToken)
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _loop!;
            _stop.Dispose();
            _stop = null;
        }
        OidcTokenFile.Remove(folder);
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        var wait = renewAfter;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stop);
                if (!File.Exists(OidcTokenFile.PathIn(folder)))
                {
                    wait = renewAfter; // this target has not used the role (yet)
                    continue;
                }
                var token = await mint!(stop);
                OidcTokenFile.Write(folder, token);
                renewed(token);
                wait = renewAfter;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                wait = RetryAfter < renewAfter ? RetryAfter : renewAfter;
                warn($"Could not re-mint CircleCI's OIDC token ({e.Message}); trying again in {wait.TotalSeconds:0} s.");
            }
        }
    }
}
