using System.Diagnostics.Metrics;

namespace Crm.Search.Features.Indexing;

/// <summary>
/// The indexer's metrics under "Crm.Search" (exported by Crm.ServiceDefaults). The lag from a change to its indexing
/// is the outbox's crm.outbox.lag with consumer "search".
/// </summary>
public sealed class SearchTelemetry : IDisposable
{
    public const string Name = "Crm.Search";

    private readonly Meter _meter = new(Name);

    public SearchTelemetry()
    {
        Written = _meter.CreateCounter<long>("crm.search.documents_written", unit: "{document}",
            description: "Documents given to the index (a backend skips those whose fingerprint is unchanged), by type.");
        Removed = _meter.CreateCounter<long>("crm.search.documents_removed", unit: "{document}",
            description: "Documents removed from the index (their records deleted), by type.");
    }

    public Counter<long> Written { get; }

    public Counter<long> Removed { get; }

    public void Dispose() => _meter.Dispose();
}
