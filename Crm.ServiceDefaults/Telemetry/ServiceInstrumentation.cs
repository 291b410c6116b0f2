using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Crm.ServiceDefaults.Telemetry;

/// <summary>
/// The service's own ActivitySource and Meter, named after the service (OTEL_SERVICE_NAME), for spans and
/// metrics about its own work (imports, indexing batches, model training). Both are already exported.
/// </summary>
public sealed class ServiceInstrumentation(string serviceName) : IDisposable
{
    public ActivitySource ActivitySource { get; } = new(serviceName);

    public Meter Meter { get; } = new(serviceName);

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
