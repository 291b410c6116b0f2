using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

public static class MigrationExtensions
{
    /// <summary>
    /// Applies the embedded migrations when the host starts, over the registered <see cref="NpgsqlDataSource"/>
    /// (call <c>AddCrmDataSource</c> or <c>AddCrmDbContext</c> first).
    /// </summary>
    /// <remarks>
    /// If the migrations fail (a changed or failing file, or the database unreachable for
    /// <see cref="MigrationHostedService.DefaultRetryFor"/>), the service logs one Critical line with the reason and
    /// shuts down with exit code 1; until it has, a web host answers every request with 503.
    /// </remarks>
    public static TBuilder AddCrmMigrations<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var appliedBy = $"{builder.Environment.ApplicationName}@{Environment.MachineName}";
        appliedBy = appliedBy[..Math.Min(appliedBy.Length, 100)];

        builder.Services.AddSingleton(services => new MigrationHostedService(
            () => new MigrationRunner(
                services.GetRequiredService<NpgsqlDataSource>(),
                MigrationScript.LoadEmbedded(),
                appliedBy,
                services.GetRequiredService<ILogger<MigrationRunner>>()),
            MigrationHostedService.DefaultRetryFor,
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<MigrationHostedService>>()));

        // First in the list so the schema is current before any other hosted service (outbox dispatchers, indexers)
        // starts, whatever order Program.cs registers them in.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(services => services.GetRequiredService<MigrationHostedService>()));

        // First, so the gate wraps every other middleware, startup filters' included. Unused by hosts without a server.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter, MigrationFailureGate>());
        return builder;
    }
}
