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
    public static TBuilder AddCrmMigrations<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var appliedBy = $"{builder.Environment.ApplicationName}@{Environment.MachineName}";
        appliedBy = appliedBy[..Math.Min(appliedBy.Length, 100)];

        // First in the list so the schema is current before any other hosted service (outbox dispatchers, indexers)
        // starts, whatever order Program.cs registers them in.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(services => new MigrationHostedService(
            new MigrationRunner(
                services.GetRequiredService<NpgsqlDataSource>(),
                MigrationScript.LoadEmbedded(),
                appliedBy,
                services.GetRequiredService<ILogger<MigrationRunner>>()),
            MigrationHostedService.DefaultRetryFor,
            services.GetRequiredService<ILogger<MigrationHostedService>>())));
        return builder;
    }
}
