using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// Cache-aside over Redis, as JSON (System.Text.Json): read an entry, or compute it and store it with its TTL. Every
/// call goes through the <see cref="RedisCircuit"/>, so a Redis that is down or slow makes a read slower by at most
/// <see cref="CacheOptions.OperationTimeout"/> once per <see cref="CacheOptions.BreakDuration"/>, and never fails it.
/// </summary>
public sealed class RedisCache(RedisCircuit circuit, CacheTelemetry telemetry, IOptionsMonitor<CacheOptions> options)
{
    /// <summary>What an invalidated key holds for <see cref="CacheOptions.InvalidationHold"/>: not JSON, so a read takes it for a miss.</summary>
    public const string Tombstone = "~invalidated";

    // KEYS[1]: the entry's key; ARGV: the entry, the tombstone, the TTL (ms). Atomic, so no invalidation slips in
    // between the check and the write.
    private const string SetUnlessTombstone = """
        if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    public CacheOptions Options => options.CurrentValue;

    public CacheTelemetry Telemetry => telemetry;

    /// <summary>
    /// The entry at <paramref name="key"/> and the counter at <paramref name="generationKey"/> (0 when unset), in one
    /// round trip. <c>Available</c> is false when Redis was skipped or failed: then nothing should be written either.
    /// </summary>
    public async Task<CacheLookup> LookupAsync(string kind, string key, string generationKey)
    {
        if (!Options.Enabled)
        {
            return CacheLookup.Unavailable;
        }
        var (done, values) = await circuit.TryAsync(kind, db => db.StringGetAsync([key, generationKey]));
        return done && values is { Length: 2 }
            ? new CacheLookup(true, values[0].IsNull ? null : (byte[]?)values[0], values[1].IsNull ? 0 : (long)values[1])
            : CacheLookup.Unavailable;
    }

    /// <summary>The counter at <paramref name="generationKey"/> (0 when unset), or null when Redis is unavailable.</summary>
    public async Task<long?> GenerationAsync(string kind, string generationKey)
    {
        if (!Options.Enabled)
        {
            return null;
        }
        var (done, value) = await circuit.TryAsync(kind, db => db.StringGetAsync(generationKey));
        return done ? value.IsNull ? 0 : (long)value : null;
    }

    /// <summary>The entry's JSON (null: none); <c>Available</c> is false when Redis was skipped or failed.</summary>
    public async Task<(bool Available, byte[]? Entry)> GetAsync(string kind, string key)
    {
        if (!Options.Enabled)
        {
            return (false, null);
        }
        var (done, value) = await circuit.TryAsync(kind, db => db.StringGetAsync(key));
        return (done, done && !value.IsNull ? (byte[]?)value : null);
    }

    /// <summary>
    /// Stores an entry for <see cref="CacheOptions.TtlOf"/> its kind, unless the key holds a tombstone (it was
    /// invalidated less than <see cref="CacheOptions.InvalidationHold"/> ago, so this value may predate the change);
    /// skipped while Redis is unavailable.
    /// </summary>
    public async Task SetAsync<T>(string kind, string key, T value, JsonSerializerOptions json)
    {
        if (!Options.Enabled)
        {
            return;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, json);
        var ttl = (long)Options.TtlOf(kind).TotalMilliseconds;
        await circuit.TryAsync(kind, db => db.ScriptEvaluateAsync(SetUnlessTombstone, [key], [bytes, Tombstone, ttl]));
    }

    /// <summary>The entry as <typeparamref name="T"/>, or default when it cannot be read (written by another version of the code): a miss.</summary>
    public static T? Deserialize<T>(byte[]? bytes, JsonSerializerOptions json)
    {
        if (bytes is null)
        {
            return default;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, json);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>
    /// Invalidates <paramref name="keys"/> (a tombstone for <see cref="CacheOptions.InvalidationHold"/>) and increments <paramref name="generations"/> in one round trip, through the
    /// circuit: false when Redis was unavailable (the outbox consumer deletes them again once it is back).
    /// </summary>
    public async Task<bool> TryInvalidateAsync(IReadOnlyCollection<string> keys, IReadOnlyCollection<string> generations)
    {
        if (keys.Count == 0 && generations.Count == 0)
        {
            return true;
        }
        var (done, _) = await circuit.TryAsync("invalidation", async db => { await Invalidate(db, keys, generations); return true; });
        return done;
    }

    /// <summary>As <see cref="TryInvalidateAsync"/>, but throws when Redis is unavailable, so that the caller retries.</summary>
    public Task InvalidateAsync(IReadOnlyCollection<string> keys, IReadOnlyCollection<string> generations) =>
        keys.Count == 0 && generations.Count == 0 ? Task.CompletedTask : circuit.RunAsync(db => Invalidate(db, keys, generations));

    private Task Invalidate(IDatabase db, IReadOnlyCollection<string> keys, IReadOnlyCollection<string> generations)
    {
        // Sent together (StackExchange.Redis pipelines them on one connection): one round trip. A tombstone rather than
        // a delete, so that a read still in flight cannot put back what it loaded before the change.
        var hold = Options.InvalidationHold;
        var pending = new List<Task>(keys.Select(key => db.StringSetAsync(key, Tombstone, hold)));
        pending.AddRange(generations.Select(generation => db.StringIncrementAsync(generation)));
        return Task.WhenAll(pending);
    }
}

/// <summary>What <see cref="RedisCache.LookupAsync"/> found: the entry's JSON (null: none) and the generation counter.</summary>
public sealed record CacheLookup(bool Available, byte[]? Entry, long Generation)
{
    public static readonly CacheLookup Unavailable = new(false, null, 0);
}
