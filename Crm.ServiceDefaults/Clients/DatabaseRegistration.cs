using Crm.ServiceDefaults.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Crm.ServiceDefaults.Clients;

public static class DatabaseRegistration
{
    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> for the service (its pool, its telemetry: Npgsql publishes the "Npgsql"
    /// ActivitySource and Meter) from <c>ConnectionStrings:crmdb</c>, with a health check.
    /// </summary>
    public static NpgsqlDataSourceBuilder AddCrmDataSource(this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Database)
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(builder.Configuration.GetRequiredConnectionString(connectionName));
        dataSourceBuilder.ConnectionStringBuilder.ApplicationName ??= builder.Environment.ApplicationName;
        dataSourceBuilder.Name = connectionName;

        // Built on first use so callers can still add mappings to the returned builder during registration.
        builder.Services.AddSingleton(_ => dataSourceBuilder.Build());
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>(connectionName, timeout: TimeSpan.FromSeconds(5));
        return dataSourceBuilder;
    }

    /// <summary>A pooled <typeparamref name="TContext"/> over the service's data source.</summary>
    public static IHostApplicationBuilder AddCrmDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Database)
        where TContext : DbContext
    {
        builder.AddCrmDataSource(connectionName);
        builder.Services.AddDbContextPool<TContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()));
        return builder;
    }
}
