using Crm.Domain;
using Crm.Domain.Outbox;
using Crm.Domain.Search;
using Crm.Domain.Tenancy;
using Crm.Search.Features.Documents;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace Crm.Search.Features.Indexing;

/// <summary>
/// Keeps the index in step with the records (outbox consumer "search"): for each event it reads the record's current
/// state in a session of its workspace and writes its document, or removes it when the record is gone. Handling a batch
/// twice writes the same documents again, so a crash mid-batch costs time, never correctness.
/// </summary>
public sealed class SearchIndexer(
    IDbContextFactory<CrmDbContext> contexts,
    ISearchBackend backend,
    IEnumerable<ISearchDocumentSource> sources,
    IConnectionMultiplexer redis,
    SearchTelemetry telemetry) : IOutboxHandler
{
    public const string ConsumerName = "search";

    public string Name => ConsumerName;

    public async Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        foreach (var workspace in events.GroupBy(e => e.WorkspaceId))
        {
            await RefreshAsync(workspace.Key, workspace.ToList(), cancellationToken);
        }
    }

    /// <summary>Indexes again the records <paramref name="events"/> name, and those whose documents show them.</summary>
    private async Task RefreshAsync(Guid workspaceId, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, null));

        var documents = new List<SearchDocument>();
        var gone = new List<SearchKey>();
        foreach (var source in sources)
        {
            var ids = events.Where(e => e.EntityType == source.Type).Select(e => e.EntityId)
                .Concat(await source.DependentsAsync(db, events, cancellationToken))
                .ToHashSet();
            if (ids.Count == 0)
            {
                continue;
            }
            var loaded = await source.LoadAsync(db, ids, cancellationToken);
            documents.AddRange(loaded);
            ids.ExceptWith(loaded.Select(d => d.Id));
            gone.AddRange(ids.Select(id => new SearchKey(source.Type, id)));
        }

        await backend.UpsertAsync(documents, cancellationToken);
        await backend.DeleteAsync(workspaceId, gone, cancellationToken);
        if (redis.IsConnected)
        {
            // Fire and forget: Redis down must not slow indexing (without Redis there are no cached results to retire).
            redis.GetDatabase().StringIncrement(SearchResultGeneration.Key(workspaceId), flags: CommandFlags.FireAndForget);
        }
        foreach (var type in documents.GroupBy(d => d.Type))
        {
            telemetry.Written.Add(type.Count(), new KeyValuePair<string, object?>("type", type.Key));
        }
        foreach (var type in gone.GroupBy(k => k.Type))
        {
            telemetry.Removed.Add(type.Count(), new KeyValuePair<string, object?>("type", type.Key));
        }
    }
}
