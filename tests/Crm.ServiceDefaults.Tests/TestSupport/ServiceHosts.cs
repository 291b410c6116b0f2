using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.ServiceDefaults.Tests.TestSupport;

/// <summary>Hosts configured the way a CRM service is: <c>AddServiceDefaults()</c> over the given settings.</summary>
public static class ServiceHosts
{
    public const string ApplicationName = "crm-service-defaults-tests";

    /// <summary>A non-web host (a worker) with only the given settings: no environment variables leak in.</summary>
    public static HostApplicationBuilder CreateWorkerBuilder(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = ApplicationName,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    public static IHost BuildWorker(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = CreateWorkerBuilder(settings);
        builder.AddServiceDefaults();
        return builder.Build();
    }

    /// <summary>A web service on a free loopback port with the default endpoints mapped, started.</summary>
    public static async Task<RunningApp> StartWebServiceAsync(
        string environment,
        IEnumerable<KeyValuePair<string, string?>> settings,
        Action<WebApplicationBuilder>? addClients = null,
        Action<WebApplication>? mapEndpoints = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        addClients?.Invoke(builder);

        var app = builder.Build();
        app.UseProblemDetailsErrors();
        app.MapDefaultEndpoints();
        mapEndpoints?.Invoke(app);
        return await RunningApp.StartAsync(app);
    }
}
