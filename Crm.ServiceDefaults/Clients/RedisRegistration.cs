using Crm.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Crm.ServiceDefaults.Clients;

public static class RedisRegistration
{
    /// <summary>
    /// One shared <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:redis</c> (StackExchange.Redis
    /// format, as Aspire writes it), with a health check. It connects on first use (waiting at most the connect
    /// timeout) and, with AbortOnConnectFail off, keeps reconnecting in the background: a service starts, and answers,
    /// while Redis is down. StackExchange.Redis 1.x publishes no ActivitySource or Meter, so Redis calls appear in
    /// traces only through the spans of the code that makes them.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <param name="connectionName">The connection string's name.</param>
    /// <param name="whenUnreachable">
    /// What the health check reports while Redis does not answer: <see cref="HealthStatus.Unhealthy"/> (503) for a
    /// service that cannot work without it; <see cref="HealthStatus.Degraded"/> (still 200) for one that only goes
    /// slower, so that a readiness probe or an orchestrator waiting for /health does not take it out of service.
    /// </param>
    public static IHostApplicationBuilder AddCrmRedis(
        this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Redis, HealthStatus whenUnreachable = HealthStatus.Unhealthy)
    {
        var options = ParseOptions(builder.Configuration.GetRequiredConnectionString(connectionName), builder.Environment.ApplicationName);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName, failureStatus: whenUnreachable, timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    internal static ConfigurationOptions ParseOptions(string connectionString, string clientName)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName ??= clientName;
        return options;
    }
}
