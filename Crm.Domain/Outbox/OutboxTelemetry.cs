using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crm.Domain.Outbox;

/// <summary>
/// The outbox's spans and metrics, under the name "Crm.Outbox" in every service that relays or consumes (exported by
/// Crm.ServiceDefaults): events relayed and pruned, and per consumer events handled, batches failed and the lag from
/// an event's write to its handling.
/// </summary>
internal sealed class OutboxTelemetry : IDisposable
{
    public const string Name = "Crm.Outbox";

    private readonly Meter _meter = new(Name);

    public OutboxTelemetry()
    {
        Relayed = _meter.CreateCounter<long>("crm.outbox.relayed", unit: "{event}", description: "Events stamped with a position by the relay.");
        Pruned = _meter.CreateCounter<long>("crm.outbox.pruned", unit: "{event}", description: "Handled events removed after the retention period.");
        Handled = _meter.CreateCounter<long>("crm.outbox.handled", unit: "{event}", description: "Events handled, by consumer.");
        Failed = _meter.CreateCounter<long>("crm.outbox.failed_batches", unit: "{batch}", description: "Batches whose handler failed (they are retried), by consumer.");
        Lag = _meter.CreateHistogram<double>("crm.outbox.lag", unit: "s",
            description: "Time from an event's write to the end of its handling, by consumer.");
    }

    public ActivitySource ActivitySource { get; } = new(Name);

    public Counter<long> Relayed { get; }

    public Counter<long> Pruned { get; }

    public Counter<long> Handled { get; }

    public Counter<long> Failed { get; }

    public Histogram<double> Lag { get; }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
