using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Crm.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs through the OpenTelemetry SDK, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (Aspire sets it to its dashboard).
/// </summary>
/// <remarks>
/// OpenTelemetry.Extensions.Hosting and the instrumentation packages are not available here, so the providers are
/// built with the SDK's own builders and subscribe directly to the ActivitySources and Meters that ASP.NET Core,
/// HttpClient, Npgsql and the runtime publish themselves.
/// </remarks>
public static class TelemetryExtensions
{
    /// <summary>Sources built into the framework and libraries we use, and the schema migrations every service runs.</summary>
    internal static readonly string[] FrameworkActivitySources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "Crm.Domain.Migrations",
        "Crm.Outbox",
        "Crm.Search",
    ];

    internal static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Components",
        "Microsoft.Extensions.Diagnostics.HealthChecks",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Npgsql",
        "Crm.Outbox",
        "Crm.Search",
        "Crm.Cache",
    ];

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var instrumentation = new ServiceInstrumentation(serviceName);
        builder.Services.AddSingleton(instrumentation);

        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var exportOverOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);

        // The instance id comes from OTEL_RESOURCE_ATTRIBUTES when Aspire sets it (read by CreateDefault); generating
        // one here would override it and unlink the telemetry from the resource in the dashboard.
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName, autoGenerateServiceInstanceId: false);

        // The SDK's own builders read OTLP settings from environment variables only; the endpoint may also come from
        // configuration (appsettings, user secrets), so it is passed explicitly.
        void ConfigureOtlp(OpenTelemetry.Exporter.OtlpExporterOptions otlp) => otlp.Endpoint = new Uri(otlpEndpoint!);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (exportOverOtlp)
            {
                logging.AddOtlpExporter(ConfigureOtlp);
            }
        });

        builder.Services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(FrameworkActivitySources)
                .AddSource(instrumentation.ActivitySource.Name);
            if (exportOverOtlp)
            {
                tracing.AddOtlpExporter(ConfigureOtlp);
            }
            return tracing.Build();
        });

        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter(FrameworkMeters)
                .AddMeter(instrumentation.Meter.Name);
            if (exportOverOtlp)
            {
                metrics.AddOtlpExporter(ConfigureOtlp);
            }
            return metrics.Build();
        });

        // Providers only listen once created: create them as the host starts, before any hosted service's StartAsync
        // (the schema migrations run there), as Extensions.Hosting would.
        builder.Services.AddHostedService<TelemetryStartup>();
        return builder;
    }

    private sealed class TelemetryStartup(IServiceProvider services) : IHostedLifecycleService
    {
        // Kept from start: when a host is torn down, its service provider may already be disposed by StoppedAsync.
        private TracerProvider? _tracerProvider;
        private MeterProvider? _meterProvider;

        public Task StartingAsync(CancellationToken cancellationToken)
        {
            _tracerProvider = services.GetRequiredService<TracerProvider>();
            _meterProvider = services.GetRequiredService<MeterProvider>();
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>Last of all, so the other services' shutdown is still exported.</summary>
        public Task StoppedAsync(CancellationToken cancellationToken)
        {
            _tracerProvider?.ForceFlush(5_000);
            _meterProvider?.ForceFlush(5_000);
            return Task.CompletedTask;
        }
    }
}
