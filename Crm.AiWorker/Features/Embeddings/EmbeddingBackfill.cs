using Crm.AiWorker.Features.Jobs;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// Embeds every record that has no vector of the current model: all of them on a new machine or after a model change
/// (vectors of two models are never compared, DESIGN.md section 6), and whatever the live consumer passed over while no
/// model was available. Runs at start and then every <see cref="Interval"/>; logs its progress per workspace and type.
/// </summary>
public sealed class EmbeddingBackfill(
    IServiceScopeFactory scopes, EmbeddingModels models, AiWorkspaces workspaces, ILogger<EmbeddingBackfill> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private const int PageSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A provider or database outage: the next pass starts over where vectors are still missing.
                logger.LogWarning(e, "The embedding backfill stopped; it runs again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every workspace; returns how many records it embedded.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (await models.ActiveAsync() is not { } model)
        {
            logger.LogWarning("The embedding backfill waits: no embedding model is available");
            return 0;
        }
        var total = 0;
        foreach (var workspaceId in await workspaces.ListAsync(cancellationToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            var indexer = scope.ServiceProvider.GetRequiredService<EmbeddingIndexer>();
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<CrmDbContext>>();
            foreach (var type in EmbeddingTexts.Types)
            {
                var after = Guid.Empty;
                var done = 0;
                while (true)
                {
                    await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                    db.UseSession(new TenantSession(workspaceId, null));
                    var page = await EmbeddingStore.UnembeddedAsync(db, type, model.ModelId, after, PageSize, cancellationToken);
                    if (page.Count == 0)
                    {
                        break;
                    }
                    done += await indexer.RefreshAsync(db, model, type, page, cancellationToken);
                    after = page[^1];
                    logger.LogInformation("Embedding backfill of workspace {Workspace}: {Done} {Type} records embedded with {Model}",
                        workspaceId, done, type, model.ModelId);
                }
                total += done;
            }
        }
        if (total > 0)
        {
            logger.LogInformation("Embedding backfill done: {Total} records embedded with {Model}", total, model.ModelId);
        }
        return total;
    }
}
