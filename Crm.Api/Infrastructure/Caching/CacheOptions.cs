namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// The Redis cache of hot reads (configuration section <c>Cache</c>): the TTLs of seed 003's "Redis caching patterns"
/// and how long Redis is left alone after it failed (<see cref="RedisCircuit"/>).
/// </summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>Off: every read goes to the database and nothing is written to Redis (invalidation still runs).</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan ContactTtl { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>A pipeline, and its stage list.</summary>
    public TimeSpan PipelineTtl { get; set; } = TimeSpan.FromSeconds(900);

    public TimeSpan SearchTtl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Not used yet: for the analytics reads, when they are cached.</summary>
    public TimeSpan AnalyticsTtl { get; set; } = TimeSpan.FromSeconds(3600);

    /// <summary>
    /// How long an invalidated key refuses new entries (it holds a tombstone): a read that loaded the database before
    /// the change committed cannot store its stale result after the invalidation. Longer than any read takes.
    /// </summary>
    public TimeSpan InvalidationHold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one cache call may take before the request gives up on Redis and reads the database.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After a failure, requests skip Redis for this long; then one request tries it again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TtlOf(string kind) => kind switch
    {
        CacheKeys.ContactKind => ContactTtl,
        CacheKeys.PipelineKind => PipelineTtl,
        CacheKeys.SearchKind => SearchTtl,
        CacheKeys.AnalyticsKind => AnalyticsTtl,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of cache entry."),
    };
}
