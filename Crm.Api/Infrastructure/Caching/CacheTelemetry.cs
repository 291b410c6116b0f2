using System.Diagnostics.Metrics;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// The cache's metrics, meter "Crm.Cache" (exported by Crm.ServiceDefaults), each tagged with the kind of entry
/// (<c>crm.cache.kind</c>: contact, pipeline, search): hits, misses, failed Redis calls, and reads that skipped Redis
/// because the circuit was open.
/// </summary>
public sealed class CacheTelemetry : IDisposable
{
    public const string Name = "Crm.Cache";

    public CacheTelemetry()
    {
        Hits = Meter.CreateCounter<long>("crm.cache.hits", unit: "{read}", description: "Reads answered from Redis.");
        Misses = Meter.CreateCounter<long>("crm.cache.misses", unit: "{read}", description: "Reads not in Redis, answered from the database and cached.");
        Errors = Meter.CreateCounter<long>("crm.cache.errors", unit: "{call}", description: "Redis calls that failed or timed out (the request went on without Redis).");
        Bypassed = Meter.CreateCounter<long>("crm.cache.bypassed", unit: "{read}", description: "Reads that skipped Redis while its circuit was open.");
    }

    public Meter Meter { get; } = new(Name);

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Bypassed { get; }

    public static KeyValuePair<string, object?> Kind(string kind) => new("crm.cache.kind", kind);

    public void Dispose() => Meter.Dispose();
}
