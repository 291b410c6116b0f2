using System.Diagnostics;
using Crm.ServiceDefaults.Telemetry;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// ActivitySource listeners are process-wide, so these run alone: any other host's tracer provider would make
/// "Microsoft.AspNetCore has listeners" true by itself.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests
{
    [Fact]
    public async Task The_tracer_provider_subscribes_to_the_service_and_framework_sources_when_the_host_starts()
    {
        var serviceName = $"crm-telemetry-test-{Guid.NewGuid():N}";
        using var aspNetCore = new ActivitySource("Microsoft.AspNetCore");
        Assert.False(aspNetCore.HasListeners());

        await using (var service = await ServiceHosts.StartWebServiceAsync(Environments.Production, [new("OTEL_SERVICE_NAME", serviceName)]))
        {
            var instrumentation = service.Services.GetRequiredService<ServiceInstrumentation>();

            Assert.Equal(serviceName, instrumentation.ActivitySource.Name);
            Assert.Equal(serviceName, instrumentation.Meter.Name);
            Assert.True(instrumentation.ActivitySource.HasListeners());
            Assert.True(aspNetCore.HasListeners());
        }

        Assert.False(aspNetCore.HasListeners());
    }

    [Fact]
    public void Without_otel_service_name_the_instrumentation_is_named_after_the_application()
    {
        using var host = ServiceHosts.BuildWorker([]);

        var instrumentation = host.Services.GetRequiredService<ServiceInstrumentation>();

        Assert.Equal(ServiceHosts.ApplicationName, instrumentation.ActivitySource.Name);
    }
}
