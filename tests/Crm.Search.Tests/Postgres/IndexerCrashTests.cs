using System.Diagnostics;
using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Search.Tests.Postgres;

/// <summary>
/// The search service killed (SIGKILL) while it indexes a large change, then started again: the index ends up with
/// every record exactly once. Runs the real Crm.Search executable, as the AppHost does.
/// </summary>
public sealed class IndexerCrashTests : IAsyncLifetime
{
    private const int Contacts = 20_000;

    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await new MigrationRunner(_database.DataSource, MigrationScript.LoadEmbedded(), "tests", NullLogger<MigrationRunner>.Instance).RunAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Killed_mid_batch_and_restarted_the_index_is_complete_without_duplicates()
    {
        var workspace = Guid.CreateVersion7();
        await ExecuteAsync($"""
            INSERT INTO workspaces (id, name, slug) VALUES ('{workspace}', 'Crash', 'crash');
            SELECT set_config('role', 'crm_app', true), set_config('crm.workspace_id', '{workspace}', true);
            INSERT INTO contacts (id, workspace_id, first_name, last_name, email)
            SELECT gen_random_uuid(), '{workspace}', 'First' || i, 'Last' || i, 'person' || i || '@example.com' FROM generate_series(1, {Contacts}) AS i;
            """);

        using (var first = StartSearchService())
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (await IndexedAsync() == 0)
            {
                Assert.False(first.HasExited, "Crm.Search exited on its own");
                await Task.Delay(20, deadline.Token);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(deadline.Token);
        }
        var afterKill = await IndexedAsync();
        Assert.InRange(afterKill, 1, Contacts - 1); // killed mid-way: the test would prove nothing otherwise

        using (var second = StartSearchService())
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (await IndexedAsync() < Contacts)
            {
                Assert.False(second.HasExited, "Crm.Search exited on its own");
                await Task.Delay(100, deadline.Token);
            }
            second.Kill(entireProcessTree: true);
        }

        Assert.Equal(Contacts, await IndexedAsync());
        Assert.Equal(0L, await ScalarAsync(
            """
            SELECT count(*) FROM (
                (SELECT id FROM contacts EXCEPT SELECT id FROM search_documents WHERE type = 'contact')
                UNION ALL
                (SELECT id FROM search_documents EXCEPT SELECT id FROM contacts)) drift
            """));
    }

    private Process StartSearchService()
    {
        var root = Directory.GetCurrentDirectory();
        while (!File.Exists(Path.Combine(root, "Crm.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Crm.sln not found above the test directory");
        }
        var start = new ProcessStartInfo("dotnet", [Path.Combine(root, "Crm.Search", "bin", "Debug", "net10.0", "Crm.Search.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__crmdb"] = TestServers.ServiceConnectionString(_database.Name),
                ["ConnectionStrings__crmdb-owner"] = _database.ConnectionString,
                ["ConnectionStrings__redis"] = TestServers.RedisConnectionString,
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Outbox__ConsumerBatchSize"] = "100",
                ["Outbox__PollInterval"] = "00:00:00.500",
            },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<long> IndexedAsync() => await ScalarAsync("SELECT count(*) FROM search_documents");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
