using System.Diagnostics;
using System.Diagnostics.Metrics;
using Crm.Api.Infrastructure.Caching;
using Crm.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Crm.Api.Tests.Caching;

/// <summary>
/// What the cache tests look at: the test Redis itself (keys, TTLs, planted entries), the counters of one API host's
/// "Crm.Cache" meter, and the outbox consumer "cache" catching up.
/// </summary>
internal sealed class CacheProbe : IDisposable
{
    private static readonly Lazy<ConnectionMultiplexer> Connection = new(() => ConnectionMultiplexer.Connect(TestServers.RedisConnectionString));

    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = [];

    /// <summary>Counts the measurements of this host's meter only: other test classes run their own hosts in parallel.</summary>
    public CacheProbe(IServiceProvider services)
    {
        var meter = services.GetRequiredService<CacheTelemetry>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var kind = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "crm.cache.kind")
                {
                    kind = tag.Value as string ?? "";
                }
            }
            lock (_counts)
            {
                _counts[$"{instrument.Name}/{kind}"] = _counts.GetValueOrDefault($"{instrument.Name}/{kind}") + value;
            }
        });
        _listener.Start();
    }

    public static IDatabase Redis => Connection.Value.GetDatabase();

    public long Count(string instrument, string kind)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault($"{instrument}/{kind}");
        }
    }

    /// <summary>Waits (polling, up to 30 s) until the consumer "cache" has handled every event written so far.</summary>
    public static async Task WaitForConsumerAsync(TestDatabase database)
    {
        await WaitUntilAsync(async () =>
        {
            await using var command = database.DataSource.CreateCommand("""
                SELECT NOT EXISTS (
                    SELECT 1 FROM outbox_events
                    WHERE position IS NULL OR position > COALESCE((SELECT position FROM outbox_consumers WHERE name = 'cache'), 0))
                """);
            return (bool)(await command.ExecuteScalarAsync())!;
        }, "the outbox consumer \"cache\" to catch up");
    }

    /// <summary>Whether <paramref name="key"/> holds an entry (not nothing, not an invalidation's tombstone).</summary>
    public static async Task<bool> HasEntryAsync(string key)
    {
        var value = await Redis.StringGetAsync(key);
        return !value.IsNull && value != RedisCache.Tombstone;
    }

    /// <summary>
    /// Reads (<paramref name="read"/>) until <paramref name="key"/> holds an entry: a key invalidated a moment ago
    /// refuses entries for <c>Cache:InvalidationHold</c> (1 s in the tests).
    /// </summary>
    public static Task WaitUntilCachedAsync(string key, Func<Task> read) =>
        WaitUntilAsync(async () =>
        {
            await read();
            return await HasEntryAsync(key);
        }, $"{key} to be cached");

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"Gave up waiting for {what} after 30 s.");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose() => _listener.Dispose();
}
