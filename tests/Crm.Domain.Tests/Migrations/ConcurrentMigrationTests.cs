using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Domain.Tests.Migrations;

public class ConcurrentMigrationTests
{
    [Fact]
    public async Task Concurrent_runners_apply_each_migration_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Plain CREATE TABLE fails and INSERT double-counts if a file is applied twice; the sleep widens the race.
        MigrationScript[] scripts =
        [
            MigrationScript.Parse("0001_create_counter.sql", "CREATE TABLE counter (n int NOT NULL);"),
            MigrationScript.Parse("0002_count_two.sql", "SELECT pg_sleep(0.2);\nINSERT INTO counter VALUES (2);"),
            MigrationScript.Parse("0003_count_three.sql", "INSERT INTO counter VALUES (3);"),
        ];

        // Each runner has its own data source, as each replica of a service would.
        var replicas = Enumerable.Range(1, 4).Select(_ => NpgsqlDataSource.Create(database.ConnectionString)).ToList();
        try
        {
            var results = await Task.WhenAll(replicas.Select((dataSource, i) => Task.Run(() =>
                new MigrationRunner(dataSource, scripts, $"replica-{i}", NullLogger<MigrationRunner>.Instance).RunAsync())));

            Assert.Equal(["0001", "0002", "0003"], results.SelectMany(result => result.AppliedVersions).Order(StringComparer.Ordinal));
            Assert.All(results, result => Assert.Equal("0003", result.SchemaVersion));
            Assert.Equal(5L, await database.DataSource.ScalarAsync<long>("SELECT sum(n) FROM counter"));
            Assert.Equal(3, (await database.DataSource.ReadAppliedMigrationsAsync()).Count);
        }
        finally
        {
            foreach (var dataSource in replicas)
            {
                await dataSource.DisposeAsync();
            }
        }
    }
}
