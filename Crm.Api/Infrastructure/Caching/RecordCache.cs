using System.Text.Json;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// A record as the workspace sees it (its response, version and owner), whoever asked for it: the caller's record
/// scope is checked on every read, cached or not (<c>ResourceEndpoints.GetAsync</c>), so the entry never decides
/// who may see it.
/// </summary>
/// <param name="Response">The body of GET, tags included.</param>
/// <param name="Version">The row's xmin, for the ETag.</param>
/// <param name="OwnerId">Whose record it is, for record scope own.</param>
/// <param name="TagGeneration">The workspace's tag generation when the record was read (<see cref="CacheKeys.TagGeneration"/>).</param>
public sealed record CachedRecord<T>(T Response, uint Version, Guid? OwnerId, long TagGeneration = 0);

/// <summary>Cache-aside reads of single records and small per-record lists (a pipeline's stages), keyed per workspace.</summary>
public sealed class RecordCache(RedisCache cache)
{
    /// <summary>
    /// The cached record, or the one <paramref name="load"/> reads from the database (null: there is none, and
    /// nothing is cached), stored for next time. A cached record read before the workspace's last tag change is a miss.
    /// </summary>
    public async Task<CachedRecord<T>?> GetOrLoadAsync<T>(
        string kind, Guid workspaceId, Guid id, Func<CancellationToken, Task<CachedRecord<T>?>> load, JsonSerializerOptions json,
        CancellationToken cancellationToken)
    {
        var key = CacheKeys.Record(kind, workspaceId, id);
        var lookup = await cache.LookupAsync(kind, key, CacheKeys.TagGeneration(workspaceId));
        if (lookup.Available)
        {
            if (RedisCache.Deserialize<CachedRecord<T>>(lookup.Entry, json) is { } entry && entry.TagGeneration == lookup.Generation)
            {
                cache.Telemetry.Hits.Add(1, CacheTelemetry.Kind(kind));
                return entry;
            }
            cache.Telemetry.Misses.Add(1, CacheTelemetry.Kind(kind));
        }
        // The generation is the one read before the database: a tag changed meanwhile makes this entry a miss.
        var loaded = await load(cancellationToken);
        if (loaded is not null && lookup.Available)
        {
            loaded = loaded with { TagGeneration = lookup.Generation };
            await cache.SetAsync(kind, key, loaded, json);
        }
        return loaded;
    }

    /// <summary>The value at <paramref name="key"/>, or the one <paramref name="load"/> makes (null: not cached), stored for next time.</summary>
    public async Task<T?> GetOrAddAsync<T>(
        string kind, string key, Func<CancellationToken, Task<T?>> load, JsonSerializerOptions json, CancellationToken cancellationToken)
        where T : class
    {
        var (available, bytes) = await cache.GetAsync(kind, key);
        if (RedisCache.Deserialize<T>(bytes, json) is { } cached)
        {
            cache.Telemetry.Hits.Add(1, CacheTelemetry.Kind(kind));
            return cached;
        }
        var loaded = await load(cancellationToken);
        if (available && loaded is not null)
        {
            cache.Telemetry.Misses.Add(1, CacheTelemetry.Kind(kind));
            await cache.SetAsync(kind, key, loaded, json);
        }
        return loaded;
    }
}
