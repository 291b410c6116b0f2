using System.Text.RegularExpressions;
using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Domain.Tests.Migrations;

/// <summary>
/// The failure tests set the process-wide <see cref="Environment.ExitCode"/> and restore it; they must stay in this
/// class, whose tests xunit runs one at a time.
/// </summary>
public class MigrationStartupTests
{
    [Fact]
    public async Task AddCrmMigrations_migrates_before_other_hosted_services_start()
    {
        await using var database = await TestDatabase.CreateAsync();
        var log = new LogRecorder();
        using var host = BuildHost(database, log, services => services.AddHostedService<SchemaProbe>());

        await host.StartAsync();
        await host.StopAsync();

        Assert.True(host.Services.GetServices<IHostedService>().OfType<SchemaProbe>().Single().SawMigratedSchema);
        var applied = await database.DataSource.ReadAppliedMigrationsAsync();
        Assert.Equal(MigrationScript.LoadEmbedded().Select(script => script.Version), applied.Select(row => row.Version));
        Assert.All(applied, row => Assert.Equal($"crm-test@{Environment.MachineName}", row.AppliedBy));
        Assert.Empty(log.AtLevel(LogLevel.Critical));
        Assert.Equal(StatusCodes.Status204NoContent, await StatusThroughGateAsync(host.Services));
    }

    [Fact]
    public async Task A_host_whose_migrations_fail_stops_by_itself_with_exit_code_1()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Runner(database.DataSource, MigrationScript.LoadEmbedded()).RunAsync();
        await using (var tamper = database.DataSource.CreateCommand(
            "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = '0001'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var log = new LogRecorder();
        var exitCode = Environment.ExitCode;
        try
        {
            using var host = BuildHost(database, log);

            // Neither StartAsync nor the wait throws: the host stops by itself, without anyone calling StopAsync.
            await host.StartAsync();
            await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, Environment.ExitCode);
            var critical = Assert.Single(log.AtLevel(LogLevel.Critical));
            Assert.Contains("Migration 0001_extensions.sql was changed after it was applied", critical.Message);
            Assert.Null(critical.Exception);
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, await StatusThroughGateAsync(host.Services));
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task An_unreachable_database_is_retried_for_a_bounded_time_then_stops_the_application()
    {
        // Port 1 refuses connections at once, like a PostgreSQL that is not listening yet.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");
        var log = new LogRecorder();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var service = new MigrationHostedService(
            cancellationToken => Runner(unreachable, MigrationScript.LoadEmbedded()).RunAsync(cancellationToken), TimeSpan.FromSeconds(3), lifetime, log.CreateLogger<MigrationHostedService>());
        var exitCode = Environment.ExitCode;
        try
        {
            await service.StartAsync(CancellationToken.None);

            Assert.NotEmpty(log.AtLevel(LogLevel.Warning));
            var critical = Assert.Single(log.AtLevel(LogLevel.Critical));
            Assert.Matches(new Regex(@"the database was unreachable for \d+ s \(2 attempts\); last error: .*127\.0\.0\.1:1"), critical.Message);
            Assert.Null(critical.Exception);
            AssertStopsOnceStarted(service, lifetime);
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task A_changed_migration_stops_the_application_without_retrying()
    {
        await using var database = await TestDatabase.CreateAsync();
        await Runner(database.DataSource, [MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);")]).RunAsync();
        var log = new LogRecorder();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var service = new MigrationHostedService(
            cancellationToken => Runner(database.DataSource, [MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id bigint);")])
                .RunAsync(cancellationToken),
            MigrationHostedService.DefaultRetryFor,
            lifetime,
            log.CreateLogger<MigrationHostedService>());
        var exitCode = Environment.ExitCode;
        try
        {
            await service.StartAsync(CancellationToken.None);

            Assert.Empty(log.AtLevel(LogLevel.Warning));
            var critical = Assert.Single(log.AtLevel(LogLevel.Critical));
            Assert.StartsWith("Database migrations failed, stopping the application: Migration 0001_create_a.sql was changed", critical.Message);
            Assert.Null(critical.Exception);
            AssertStopsOnceStarted(service, lifetime);
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [Fact]
    public async Task An_invalid_set_of_migrations_stops_the_application_too()
    {
        await using var notContacted = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=postgres");
        var log = new LogRecorder();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var service = new MigrationHostedService(
            cancellationToken => Runner(notContacted, [MigrationScript.Parse("0002_contacts.sql", ""), MigrationScript.Parse("0002_deals.sql", "")])
                .RunAsync(cancellationToken),
            MigrationHostedService.DefaultRetryFor,
            lifetime,
            log.CreateLogger<MigrationHostedService>());
        var exitCode = Environment.ExitCode;
        try
        {
            await service.StartAsync(CancellationToken.None);

            Assert.Contains("0002_contacts.sql and 0002_deals.sql share version 0002", Assert.Single(log.AtLevel(LogLevel.Critical)).Message);
            AssertStopsOnceStarted(service, lifetime);
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    /// <summary>
    /// The failure is recorded at once, but the stop waits for the host to have started (stopping earlier would make
    /// the server's start throw, see <see cref="MigrationHostedService"/>).
    /// </summary>
    private static void AssertStopsOnceStarted(MigrationHostedService service, ApplicationLifetime lifetime)
    {
        Assert.True(service.Failed);
        Assert.Equal(1, Environment.ExitCode);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);

        lifetime.NotifyStarted();

        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private static IHost BuildHost(TestDatabase database, LogRecorder log, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "crm-test" });
        builder.Logging.ClearProviders().AddProvider(log);
        builder.Configuration["ConnectionStrings:crmdb-owner"] = database.ConnectionString;
        builder.Configuration["ConnectionStrings:crmdb"] = TestServers.ServiceConnectionString(database.Name);
        builder.Services.AddSingleton(database.DataSource);
        configure?.Invoke(builder.Services);
        builder.AddCrmMigrations();
        return builder.Build();
    }

    /// <summary>The status of a request through the pipeline <c>AddCrmMigrations</c> adds to web hosts, ending in a 204.</summary>
    private static async Task<int> StatusThroughGateAsync(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        var configure = services.GetServices<IStartupFilter>().Aggregate(
            (Action<IApplicationBuilder>)(inner => inner.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            })),
            (next, filter) => filter.Configure(next));
        configure(app);
        var context = new DefaultHttpContext();
        await app.Build()(context);
        return context.Response.StatusCode;
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
}
