using System.Text.RegularExpressions;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>Settings of the Elasticsearch search backend, bound from <c>Search:Elasticsearch</c>.</summary>
public sealed partial class ElasticsearchSearchOptions
{
    public const string SectionName = "Search:Elasticsearch";

    /// <summary>
    /// Prefix of every index, alias and template name: alias <c>{prefix}-{type}</c>, index
    /// <c>{prefix}-{type}-{generation}</c>, template <c>{prefix}-search</c>. Lowercase, as Elasticsearch requires.
    /// </summary>
    public string IndexPrefix { get; set; } = "crm";

    /// <summary>At most this many documents in one <c>_bulk</c> request.</summary>
    public int BulkMaxDocuments { get; set; } = 500;

    /// <summary>At most this many bytes of NDJSON in one <c>_bulk</c> request (a single larger document goes alone).</summary>
    public long BulkMaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Retries of a request (or of the rejected items of a bulk) answered 429/502/503/504 before giving up.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="RetryMaxDelay"/>, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Primary shards per index. One is right for most CRMs: documents are routed by workspace anyway.</summary>
    public int NumberOfShards { get; set; } = 1;

    public int NumberOfReplicas { get; set; } = 1;

    /// <summary>Priority of the index template (must differ from other templates with overlapping patterns).</summary>
    public int TemplatePriority { get; set; } = 200;

    /// <summary>Values returned per facet (owner, stage, tags; type always has all of them).</summary>
    public int FacetSize { get; set; } = 20;

    /// <summary>Documents per page when <c>IndexedAsync</c> reads a workspace's keys and fingerprints.</summary>
    public int IndexedPageSize { get; set; } = 1000;

    /// <summary>Null when the settings are usable, else what is wrong with them.</summary>
    public string? Validate()
    {
        if (!PrefixPattern().IsMatch(IndexPrefix))
        {
            return $"{SectionName}:IndexPrefix '{IndexPrefix}' must be lowercase letters, digits, '-' or '_', starting with a letter or digit.";
        }
        if (BulkMaxDocuments < 1 || BulkMaxBytes < 1024)
        {
            return $"{SectionName}:BulkMaxDocuments must be at least 1 and BulkMaxBytes at least 1024.";
        }
        if (MaxRetries < 0 || RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            return $"{SectionName}:MaxRetries must be 0 or more and RetryMaxDelay at least RetryBaseDelay.";
        }
        if (NumberOfShards < 1 || NumberOfReplicas < 0 || FacetSize < 1 || IndexedPageSize < 1 || IndexedPageSize > 10_000)
        {
            return $"{SectionName}: NumberOfShards and FacetSize must be at least 1, NumberOfReplicas 0 or more, IndexedPageSize 1 to 10000.";
        }
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,100}$")]
    private static partial Regex PrefixPattern();
}
