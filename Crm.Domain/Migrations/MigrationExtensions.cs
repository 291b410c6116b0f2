using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

public static class MigrationExtensions
{
    /// <summary>The schema owner's connection, used at startup to migrate and for nothing else.</summary>
    public const string OwnerConnectionName = "crmdb-owner";

    /// <summary>The service login's connection, used for everything else (row-level security applies to it).</summary>
    public const string ServiceConnectionName = "crmdb";

    /// <summary>
    /// When the host starts: applies the embedded migrations as the schema owner (<c>ConnectionStrings:crmdb-owner</c>),
    /// then sets up the service login of <c>ConnectionStrings:crmdb</c> (see <see cref="ServiceLogin"/>). The owner's
    /// connections are closed once that is done.
    /// </summary>
    /// <remarks>
    /// If this fails (a changed or failing file, a service login that could bypass row-level security, or the database
    /// unreachable for <see cref="MigrationHostedService.DefaultRetryFor"/>), the service logs one Critical line with
    /// the reason and shuts down with exit code 1; until it has, a web host answers every request with 503.
    /// </remarks>
    public static TBuilder AddCrmMigrations<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var appliedBy = $"{builder.Environment.ApplicationName}@{Environment.MachineName}";
        appliedBy = appliedBy[..Math.Min(appliedBy.Length, 100)];
        var ownerConnection = RequiredConnectionString(builder.Configuration, OwnerConnectionName);
        var serviceConnection = RequiredConnectionString(builder.Configuration, ServiceConnectionName);

        builder.Services.AddSingleton(services => new MigrationHostedService(
            async cancellationToken =>
            {
                var loggers = services.GetRequiredService<ILoggerFactory>();
                var ownerBuilder = new NpgsqlDataSourceBuilder(ownerConnection);
                ownerBuilder.ConnectionStringBuilder.ApplicationName ??= $"{builder.Environment.ApplicationName} (migrations)";
                await using var owner = ownerBuilder.Build();
                await new MigrationRunner(owner, MigrationScript.LoadEmbedded(), appliedBy, loggers.CreateLogger<MigrationRunner>())
                    .RunAsync(cancellationToken);
                await new ServiceLogin(owner, serviceConnection, loggers.CreateLogger<ServiceLogin>()).EnsureAsync(cancellationToken);
            },
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

    private static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{name} is not set (environment variable ConnectionStrings__{name}); the AppHost sets it.");
}
