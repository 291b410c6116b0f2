using Crm.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Imports;

/// <summary>
/// The API's background worker for imports: claims the oldest queued job of any workspace (or one whose worker died,
/// <see cref="ImportJobLease"/>), runs it to its end, and claims the next; idle, it waits for an upload on this replica
/// or the poll interval. Every replica runs one (unless <c>Imports:WorkerEnabled</c> is false); the claims keep them
/// from running a job twice. A failing pass is logged and retried after the interval, never the end of the service.
/// </summary>
internal sealed class ImportWorker(
    IDbContextFactory<CrmDbContext> contexts,
    ImportJobRunner runner,
    ImportQueueSignal signal,
    IOptions<ImportOptions> options,
    TimeProvider clock,
    ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.WorkerEnabled)
        {
            logger.LogInformation("The import worker is off on this replica (Imports:WorkerEnabled)");
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ClaimAsync(settings, stoppingToken) is { } claim)
                {
                    await runner.RunAsync(claim, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The import worker could not claim or run a job; trying again in {Interval}", settings.PollInterval);
            }
            try
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>A claim on a context acting for no workspace (the claim's policy needs that).</summary>
    private async Task<ImportClaim?> ClaimAsync(ImportOptions settings, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ImportJobLease.ClaimAsync(db, clock, settings.LeaseDuration, cancellationToken);
    }
}
