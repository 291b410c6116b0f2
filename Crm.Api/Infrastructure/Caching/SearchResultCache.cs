using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// Search results for <see cref="CacheOptions.SearchTtl"/> (120 s), keyed by workspace, the workspace's search
/// generation and a hash of the request: any change event of the workspace bumps the generation
/// (<see cref="CacheInvalidator"/>, <see cref="CacheInvalidationInterceptor"/>), so no result is served after a change
/// is known, and the old entries simply expire.
/// </summary>
public sealed class SearchResultCache(RedisCache cache, IOptions<JsonOptions> jsonOptions)
{
    /// <summary>
    /// The cached result of <paramref name="requestKey"/> (everything that decides the result: query, filters, sort,
    /// page, and whatever of the caller narrows it, such as their record scope), or <paramref name="factory"/>'s,
    /// stored for next time. Without Redis, just <paramref name="factory"/>'s.
    /// </summary>
    public async Task<T> GetOrAddAsync<T>(Guid workspaceId, string requestKey, Func<CancellationToken, Task<T>> factory, CancellationToken cancellationToken)
    {
        var json = jsonOptions.Value.SerializerOptions;
        // The generation is read before the search runs: a change committed meanwhile stores this result under a
        // generation nobody reads any more.
        if (await cache.GenerationAsync(CacheKeys.SearchKind, CacheKeys.SearchGeneration(workspaceId)) is not { } generation)
        {
            return await factory(cancellationToken);
        }
        var key = CacheKeys.Search(workspaceId, generation, Hash(requestKey));
        var (available, bytes) = await cache.GetAsync(CacheKeys.SearchKind, key);
        if (!available)
        {
            return await factory(cancellationToken);
        }
        if (RedisCache.Deserialize<Entry<T>>(bytes, json) is { } cached)
        {
            cache.Telemetry.Hits.Add(1, CacheTelemetry.Kind(CacheKeys.SearchKind));
            return cached.Value;
        }
        cache.Telemetry.Misses.Add(1, CacheTelemetry.Kind(CacheKeys.SearchKind));
        var result = await factory(cancellationToken);
        await cache.SetAsync(CacheKeys.SearchKind, key, new Entry<T>(result), json);
        return result;
    }

    /// <summary>SHA-256 of the request key, hex: keys of one length whatever the query, and no query text in Redis.</summary>
    public static string Hash(string requestKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requestKey)));

    // Wrapped, so that a cached null or empty result is told apart from no entry.
    private sealed record Entry<T>(T Value);
}
