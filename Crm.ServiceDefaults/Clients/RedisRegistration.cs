using Crm.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
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
    public static IHostApplicationBuilder AddCrmRedis(this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Redis)
    {
        var options = ParseOptions(builder.Configuration.GetRequiredConnectionString(connectionName), builder.Environment.ApplicationName);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName, timeout: TimeSpan.FromSeconds(5));
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
