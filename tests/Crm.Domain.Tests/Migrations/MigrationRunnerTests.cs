using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Domain.Tests.Migrations;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private const string AppliedBy = "crm-domain-tests@test-host";

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Embedded_migrations_are_applied_and_recorded()
    {
        var scripts = MigrationScript.LoadEmbedded();

        var result = await Runner(scripts).RunAsync();

        Assert.Equal(scripts.Select(script => script.Version), result.AppliedVersions);
        Assert.Equal(scripts[^1].Version, result.SchemaVersion);
        Assert.Equal(2L, await _database.DataSource.ScalarAsync<long>(
            "SELECT count(*) FROM pg_extension WHERE extname IN ('vector', 'pg_trgm')"));
        Assert.Equal(
            scripts.Select(script => new AppliedMigration(script.Version, script.Description, script.Checksum, AppliedBy)),
            await _database.DataSource.ReadAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Running_again_applies_nothing()
    {
        var scripts = MigrationScript.LoadEmbedded();
        await Runner(scripts).RunAsync();
        var before = await _database.DataSource.ReadAppliedMigrationsAsync();

        var result = await Runner(scripts).RunAsync();

        Assert.Empty(result.AppliedVersions);
        Assert.Equal(scripts[^1].Version, result.SchemaVersion);
        Assert.Equal(before, await _database.DataSource.ReadAppliedMigrationsAsync());
    }

    [Fact]
    public async Task A_file_changed_after_it_was_applied_is_refused_and_nothing_is_applied()
    {
        var original = MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);");
        await Runner([original]).RunAsync();

        var edited = MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id bigint);");
        var pending = MigrationScript.Parse("0002_create_b.sql", "CREATE TABLE b (id int);");
        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner([edited, pending]).RunAsync());

        Assert.Contains("0001_create_a.sql was changed after it was applied", error.Message);
        Assert.Contains(original.Checksum, error.Message);
        Assert.Contains(edited.Checksum, error.Message);
        Assert.False(await _database.DataSource.TableExistsAsync("b"));
        var applied = Assert.Single(await _database.DataSource.ReadAppliedMigrationsAsync());
        Assert.Equal(original.Checksum, applied.Checksum);
    }

    [Fact]
    public async Task A_failing_file_is_rolled_back_whole_and_named_in_the_error()
    {
        MigrationScript[] scripts =
        [
            MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);"),
            MigrationScript.Parse("0002_broken.sql", "CREATE TABLE b (id int);\nINSERT INTO missing VALUES (1);\n"),
            MigrationScript.Parse("0003_create_c.sql", "CREATE TABLE c (id int);"),
        ];

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(scripts).RunAsync());

        Assert.Contains("0002_broken.sql", error.Message);
        Assert.Contains("relation \"missing\" does not exist", error.Message);
        Assert.Contains("at character 13 of the failing statement", error.Message);
        Assert.True(await _database.DataSource.TableExistsAsync("a"));
        Assert.False(await _database.DataSource.TableExistsAsync("b"));
        Assert.False(await _database.DataSource.TableExistsAsync("c"));
        Assert.Equal(["0001"], (await _database.DataSource.ReadAppliedMigrationsAsync()).Select(row => row.Version));
    }

    [Fact]
    public async Task Versions_applied_by_a_newer_build_are_tolerated()
    {
        var first = MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);");
        await Runner([first, MigrationScript.Parse("0002_create_b.sql", "CREATE TABLE b (id int);")]).RunAsync();

        var result = await Runner([first]).RunAsync();

        Assert.Empty(result.AppliedVersions);
        Assert.Equal("0002", result.SchemaVersion);
    }

    [Fact]
    public async Task Waiting_for_the_lock_can_be_cancelled()
    {
        var scripts = new[] { MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);") };
        await using (var holder = await _database.DataSource.OpenConnectionAsync())
        {
            await using var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationRunner.AdvisoryLockKey})", holder);
            await lockCommand.ExecuteNonQueryAsync();
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(scripts).RunAsync(cancellation.Token));
        }

        // The cancelled runner applied nothing, and once the holder is gone the next runner proceeds.
        Assert.False(await _database.DataSource.TableExistsAsync("a"));
        Assert.Equal(["0001"], (await Runner(scripts).RunAsync()).AppliedVersions);
    }

    [Fact]
    public async Task A_runner_waiting_for_the_lock_logs_who_holds_it_and_proceeds_once_it_is_released()
    {
        var scripts = new[] { MigrationScript.Parse("0001_create_a.sql", "CREATE TABLE a (id int);") };
        var log = new LogRecorder();
        await using var holder = await _database.DataSource.OpenConnectionAsync();
        await ExecuteAsync(holder, $"SELECT pg_advisory_lock({MigrationRunner.AdvisoryLockKey})");

        var run = Runner(scripts, log.CreateLogger<MigrationRunner>()).RunAsync();
        var waiting = await log.WaitForAsync(
            entry => entry.Message.StartsWith("Waiting for another migration runner", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        Assert.Equal(LogLevel.Information, waiting.Level);
        Assert.Equal($"Waiting for another migration runner (PostgreSQL pid {holder.ProcessID}) to finish", waiting.Message);
        Assert.False(run.IsCompleted);
        Assert.False(await _database.DataSource.TableExistsAsync("a"));

        await ExecuteAsync(holder, $"SELECT pg_advisory_unlock({MigrationRunner.AdvisoryLockKey})");

        Assert.Equal(["0001"], (await run.WaitAsync(TimeSpan.FromSeconds(30))).AppliedVersions);
        Assert.True(await _database.DataSource.TableExistsAsync("a"));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private MigrationRunner Runner(IEnumerable<MigrationScript> scripts, ILogger<MigrationRunner>? logger = null) =>
        new(_database.DataSource, scripts, AppliedBy, logger ?? NullLogger<MigrationRunner>.Instance);
}
