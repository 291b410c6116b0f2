using Crm.Domain.Tests.Tenancy;
using Npgsql;

namespace Crm.Domain.Tests.Statistics;

/// <summary>
/// Migration 0020's <c>crm_analyze_records</c>: the services' role (crm_app), which may not ANALYZE by itself, refreshes
/// a record table's statistics inside its own transaction, counting the rows that transaction has written (what the
/// demo fill needs for its later plans), and may ask for nothing but the record tables.
/// </summary>
public sealed class BulkStatisticsTests : IAsyncLifetime
{
    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync() => _db = await TwoWorkspaces.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_services_role_analyzes_a_record_table_with_the_rows_of_its_own_open_transaction()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            $"INSERT INTO leads (id, workspace_id, first_name) SELECT gen_random_uuid(), '{_db.A.Id}', 'Lead ' || n FROM generate_series(1, 2000) n");

        await connection.ExecuteAsync("SELECT crm_analyze_records('leads')");

        Assert.True(await connection.ScalarAsync<float>("SELECT reltuples FROM pg_class WHERE oid = 'leads'::regclass") >= 2000);
    }

    [Theory]
    [InlineData("users")]
    [InlineData("workspaces; DROP TABLE leads")]
    public async Task Any_other_table_is_refused(string table)
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await using var command = new NpgsqlCommand("SELECT crm_analyze_records($1)", connection) { Parameters = { new() { Value = table } } };

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.RaiseException, error.SqlState);
    }
}
