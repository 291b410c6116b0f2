using Crm.AiWorker.Features.Jobs;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// Embeds every record that has no vector of the current model: all of them on a new machine or after a model change
/// (vectors of two models are never compared, DESIGN.md section 6), and whatever the live consumer passed over while no
/// model was available. Runs at start and then every 10 minutes; logs its progress per workspace and type.
/// </summary>
public sealed class EmbeddingBackfill(
    IServiceScopeFactory scopes, EmbeddingModels models, AiWorkspaces workspaces, TimeProvider clock, ILogger<EmbeddingBackfill> logger)
    : WorkspaceSchedule(workspaces, clock, logger)
{
    private const int PageSize = 500;

    protected override string JobName => "embedding backfill";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

    public override async Task RunAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        if (await models.ActiveAsync() is not { } model)
        {
            logger.LogWarning("The embedding backfill of workspace {Workspace} waits: no embedding model is available", workspaceId);
            return;
        }
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
        }
    }
}
