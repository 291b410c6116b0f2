using Crm.ServiceDefaults;
using Crm.ServiceDefaults.Discovery;
using Crm.ServiceDefaults.Health;
using Crm.ServiceDefaults.Resilience;
using Crm.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CRM service gets by calling <c>builder.AddServiceDefaults()</c>: telemetry, health checks,
/// service discovery, resilient HTTP clients and RFC 9457 problem details. Modelled on Aspire's ServiceDefaults,
/// built on the packages this environment has (DESIGN.md section 2).
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseInputExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // A malformed body answers 400 in every environment (in Development minimal APIs would throw, and the
        // exception handler would turn that into a 500).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary><c>/health</c> and <c>/alive</c> (see <see cref="HealthEndpoints"/>).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>
    /// For HTTP APIs: unhandled exceptions become a bare 500 problem details body (no exception text, in every
    /// environment: this handler runs inside the developer exception page), and status codes without a body get one.
    /// Call it first, before other middleware. The web frontend uses HTML error pages instead.
    /// </summary>
    public static WebApplication UseProblemDetailsErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
