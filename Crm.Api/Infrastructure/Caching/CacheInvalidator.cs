using Crm.Domain.Outbox;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// Invalidation by change events (outbox consumer "cache"), for changes made anywhere: other replicas, other services,
/// imports, SQL. Deletes the cached contact or pipeline (and its stages) an event names, and bumps the search generation
/// of every workspace with an event, in one Redis round trip per batch. Unlike the request path it does not go round a
/// Redis that is down: the batch fails and the consumer hands it over again, so no entry written before the outage
/// outlives a change made during it for longer than the consumer's retry delay.
/// </summary>
public sealed class CacheInvalidator(RedisCache cache) : IOutboxHandler
{
    public string Name => "cache";

    public Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>();
        var generations = new HashSet<string>();
        foreach (var e in events)
        {
            switch (e.EntityType)
            {
                case OutboxEntityTypes.Contact:
                    keys.Add(CacheKeys.Record(CacheKeys.ContactKind, e.WorkspaceId, e.EntityId));
                    break;
                case OutboxEntityTypes.Pipeline:
                    keys.Add(CacheKeys.Record(CacheKeys.PipelineKind, e.WorkspaceId, e.EntityId));
                    keys.Add(CacheKeys.Stages(e.WorkspaceId, e.EntityId));
                    break;
            }
            generations.Add(CacheKeys.SearchGeneration(e.WorkspaceId));
        }
        return cache.InvalidateAsync(keys, generations);
    }
}
