using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Outbox;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// Keeps every contact's, company's, lead's and deal's vector in step with its text (outbox consumer "embeddings"): a
/// changed record, or a note or activity on it, is embedded again when its text's hash or the model differs from what
/// is stored; a deleted record loses its vector. A provider that fails makes the batch fail, and the outbox hands it
/// over again with backoff: no change is lost. Without any model (no vectors downloaded, no remote model) the batch is
/// passed over; <see cref="EmbeddingBackfill"/> embeds what is missing once a model is there.
/// </summary>
public sealed class EmbeddingIndexer(
    IDbContextFactory<CrmDbContext> contexts, EmbeddingModels models, AiTaskLog tasks, ILogger<EmbeddingIndexer> logger) : IOutboxHandler
{
    public const string ConsumerName = "embeddings";

    /// <summary>Texts per call to the model: one request to a remote provider.</summary>
    public const int BatchSize = 64;

    public string Name => ConsumerName;

    public async Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var relevant = events.Where(e => EmbeddingTexts.Types.Contains(e.EntityType) ||
                                         e.EntityType is OutboxEntityTypes.Note or OutboxEntityTypes.Activity).ToList();
        if (relevant.Count == 0)
        {
            return;
        }
        if (await models.ActiveAsync() is not { } model)
        {
            logger.LogWarning("No embedding model is available; {Count} changes wait for the backfill", relevant.Count);
            return;
        }
        foreach (var workspace in relevant.GroupBy(e => e.WorkspaceId))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspace.Key, null));
            var records = workspace.Where(e => EmbeddingTexts.Types.Contains(e.EntityType)).Select(e => (Type: e.EntityType, Id: e.EntityId))
                .Concat(await EmbeddingTexts.LinkedRecordsAsync(db, workspace.ToList(), cancellationToken))
                .Distinct();
            foreach (var type in records.GroupBy(r => r.Type))
            {
                await RefreshAsync(db, model, type.Key, type.Select(r => r.Id).ToList(), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Embeds the records of <paramref name="ids"/> whose stored vector is missing, stale or of another model, and
    /// removes the vectors of records that are gone. Returns how many it embedded.
    /// </summary>
    public async Task<int> RefreshAsync(
        CrmDbContext db, ActiveEmbeddingModel model, string entityType, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var texts = await EmbeddingTexts.LoadAsync(db, entityType, ids, cancellationToken);
        var gone = ids.Except(texts.Select(t => t.EntityId)).ToList();
        await EmbeddingStore.DeleteAsync(db, entityType, gone, cancellationToken);

        var stored = await EmbeddingStore.HashesAsync(db, entityType, texts.Select(t => t.EntityId).ToList(), cancellationToken);
        var stale = texts.Where(t => !stored.TryGetValue((t.EntityType, t.EntityId), out var s) || s.Model != model.ModelId || s.Hash != t.Hash).ToList();
        if (stale.Count == 0)
        {
            return 0;
        }
        var workspaceId = db.Session.WorkspaceId ?? throw new InvalidOperationException("Embeddings are written in a workspace's session.");
        var input = new { entityType, records = stale.Count };
        return await tasks.RunAsync(workspaceId, AiTaskType.Embedding, input, async run =>
        {
            run.ModelProvider = model.Provider;
            run.ModelName = model.ModelId;
            foreach (var chunk in stale.Chunk(BatchSize))
            {
                var vectors = await model.Generator.GenerateAsync(chunk.Select(t => t.Text), cancellationToken: cancellationToken);
                var rows = chunk.Zip(vectors, (text, vector) => new StoredEmbedding(entityType, text.EntityId, model.ModelId, text.Hash, vector.Vector.ToArray()))
                    .Where(row => row.Vector.Any(x => x != 0)) // A text with no known word has no direction to compare.
                    .ToList();
                await EmbeddingStore.UpsertAsync(db, rows, cancellationToken);
                run.InputTokens = (run.InputTokens ?? 0) + (int)(vectors.Usage?.InputTokenCount ?? 0);
            }
            run.Output = new { embedded = stale.Count, removed = gone.Count };
            return stale.Count;
        }, cancellationToken);
    }
}
