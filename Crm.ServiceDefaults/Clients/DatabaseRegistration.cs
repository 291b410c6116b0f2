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
    /// ActivitySource and Meter) from <c>ConnectionStrings:crmdb</c>, with a health check. <c>configure</c> adds the
    /// mappings, plugins or connection settings a service needs on top of the defaults.
    /// </summary>
    public static IHostApplicationBuilder AddCrmDataSource(
        this IHostApplicationBuilder builder,
        Action<NpgsqlDataSourceBuilder>? configure = null,
        string connectionName = ConnectionNames.Database)
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(builder.Configuration.GetRequiredConnectionString(connectionName));
        dataSourceBuilder.ConnectionStringBuilder.ApplicationName ??= builder.Environment.ApplicationName;
        dataSourceBuilder.Name = connectionName;
        configure?.Invoke(dataSourceBuilder);

        builder.Services.AddSingleton(_ => dataSourceBuilder.Build());
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>(connectionName, timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// A pooled <typeparamref name="TContext"/> over the service's data source (registered here too: call one or the
    /// other), handed out per scope. <c>onRent</c> prepares each context for its scope (for the CRM: whom it acts
    /// for), since a pooled context cannot take scoped services in its constructor.
    /// </summary>
    public static IHostApplicationBuilder AddCrmDbContext<TContext>(
        this IHostApplicationBuilder builder,
        Action<NpgsqlDataSourceBuilder>? configure = null,
        Action<IServiceProvider, TContext>? onRent = null,
        string connectionName = ConnectionNames.Database)
        where TContext : DbContext
    {
        builder.AddCrmDataSource(configure, connectionName);
        builder.Services.AddPooledDbContextFactory<TContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddScoped(services =>
        {
            var context = services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
            onRent?.Invoke(services, context);
            return context;
        });
        return builder;
    }
}
