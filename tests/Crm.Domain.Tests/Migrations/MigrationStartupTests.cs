using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Domain.Tests.Migrations;

public class MigrationStartupTests
{
    [Fact]
    public async Task AddCrmMigrations_migrates_before_other_hosted_services_start()
    {
        await using var database = await TestDatabase.CreateAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "crm-test" });
        builder.Services.AddSingleton(database.DataSource);
        builder.Services.AddHostedService<SchemaProbe>();
        builder.AddCrmMigrations();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.True(host.Services.GetServices<IHostedService>().OfType<SchemaProbe>().Single().SawMigratedSchema);
        var applied = await database.DataSource.ReadAppliedMigrationsAsync();
        Assert.Equal(MigrationScript.LoadEmbedded().Select(script => script.Version), applied.Select(row => row.Version));
        Assert.All(applied, row => Assert.Equal($"crm-test@{Environment.MachineName}", row.AppliedBy));
    }

    [Fact]
    public async Task An_unreachable_database_is_retried_for_a_bounded_time()
    {
        // Port 1 refuses connections at once, like a PostgreSQL that is not listening yet.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");
        var logger = new RecordingLogger<MigrationHostedService>();
        var service = new MigrationHostedService(Runner(unreachable, MigrationScript.LoadEmbedded()), TimeSpan.FromSeconds(3), logger);

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => service.StartAsync(CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.NotEmpty(logger.Warnings);
    }

    [Fact]
    public async Task A_changed_migration_fails_startup_without_retrying()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Runner(database.DataSource, [MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);")]).RunAsync();
        var logger = new RecordingLogger<MigrationHostedService>();
        var service = new MigrationHostedService(
            Runner(database.DataSource, [MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id bigint);")]),
            MigrationHostedService.DefaultRetryFor,
            logger);

        await Assert.ThrowsAsync<MigrationException>(() => service.StartAsync(CancellationToken.None));

        Assert.Empty(logger.Warnings);
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource, IEnumerable<MigrationScript> scripts) =>
        new(dataSource, scripts, "crm-domain-tests", NullLogger<MigrationRunner>.Instance);

    /// <summary>Stands for a background service registered before the migrations: it must find the schema current.</summary>
    private sealed class SchemaProbe(NpgsqlDataSource dataSource) : IHostedService
    {
        public bool SawMigratedSchema { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken) =>
            SawMigratedSchema = await dataSource.TableExistsAsync("schema_migrations");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
