using Crm.Domain.Tests.Tenancy;
using Npgsql;

namespace Crm.Domain.Tests.Deals;

/// <summary>
/// The invariants of migration 0006 that every writer of deals must keep, checked in raw SQL on a connection of the
/// services' role (crm_app), so they hold without the API: a deal's stage belongs to its pipeline, the stage history is
/// written by the database and append-only, and a deal with line items is worth their sum.
/// </summary>
public sealed class DealSchemaTests : IAsyncLifetime
{
    private readonly Guid _pipeline = Guid.CreateVersion7();
    private readonly Guid _otherPipeline = Guid.CreateVersion7();
    private readonly Guid _lead = Guid.CreateVersion7();
    private readonly Guid _proposal = Guid.CreateVersion7();
    private readonly Guid _otherStage = Guid.CreateVersion7();
    private readonly Guid _deal = Guid.CreateVersion7();

    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TwoWorkspaces.CreateAsync();
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await connection.ExecuteAsync($"""
            INSERT INTO pipelines (id, workspace_id, name) VALUES ('{_pipeline}', '{_db.A.Id}', 'Sales'), ('{_otherPipeline}', '{_db.A.Id}', 'Other');
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, default_probability) VALUES
                ('{_lead}', '{_db.A.Id}', '{_pipeline}', 'Lead', 1, 10),
                ('{_proposal}', '{_db.A.Id}', '{_pipeline}', 'Proposal', 2, 50),
                ('{_otherStage}', '{_db.A.Id}', '{_otherPipeline}', 'Elsewhere', 1, 0);
            INSERT INTO deals (id, workspace_id, name, value, probability, pipeline_id, stage_id, created_by)
                VALUES ('{_deal}', '{_db.A.Id}', 'Deal', 500, 10, '{_pipeline}', '{_lead}', '{_db.A.UserId}');
            """);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_deals_stage_must_be_a_stage_of_its_pipeline()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            connection.ExecuteAsync($"UPDATE deals SET stage_id = '{_otherStage}' WHERE id = '{_deal}'"));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal("deals_stage_fk", error.ConstraintName);
    }

    [Fact]
    public async Task Every_stage_change_is_recorded_by_the_database_and_the_services_cannot_rewrite_the_history()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await connection.ExecuteAsync($"UPDATE deals SET stage_id = '{_proposal}', probability = 50, updated_by = '{_db.A.UserId}' WHERE id = '{_deal}'");
        await connection.ExecuteAsync($"UPDATE deals SET name = 'Renamed' WHERE id = '{_deal}'");

        Assert.Equal(
            $"{_lead}:10:{_db.A.UserId}|{_proposal}:50:{_db.A.UserId}",
            await connection.ScalarAsync<string>($"""
                SELECT string_agg(to_stage_id || ':' || to_probability || ':' || changed_by, '|' ORDER BY changed_at, id)
                FROM deal_stage_history WHERE deal_id = '{_deal}'
                """));
        Assert.True(await connection.ScalarAsync<bool>(
            $"SELECT from_stage_id = '{_lead}' AND seconds_in_from_stage >= 0 FROM deal_stage_history WHERE to_stage_id = '{_proposal}'"));
        foreach (var sql in new[] { "UPDATE deal_stage_history SET to_probability = 99", "DELETE FROM deal_stage_history" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public async Task Line_items_set_their_deals_value_and_a_deal_with_line_items_refuses_any_other()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await connection.ExecuteAsync($"""
            INSERT INTO deal_products (id, workspace_id, deal_id, name, quantity, unit_price, discount_percent, tax_percent) VALUES
                ('{Guid.CreateVersion7()}', '{_db.A.Id}', '{_deal}', 'Seats', 3, 100, 10, 20),
                ('{Guid.CreateVersion7()}', '{_db.A.Id}', '{_deal}', 'Setup', 1, 76, 0, 0);
            """);

        Assert.Equal(400m, await connection.ScalarAsync<decimal>($"SELECT value FROM deals WHERE id = '{_deal}'"));
        Assert.Equal(40m, await connection.ScalarAsync<decimal>($"SELECT weighted_value FROM deals WHERE id = '{_deal}'"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync($"UPDATE deals SET value = 1 WHERE id = '{_deal}'"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal("deals_value_matches_lines", error.ConstraintName);

        await connection.ExecuteAsync($"DELETE FROM deal_products WHERE deal_id = '{_deal}' AND name = 'Seats'");
        Assert.Equal(76m, await connection.ScalarAsync<decimal>($"SELECT value FROM deals WHERE id = '{_deal}'"));
        await connection.ExecuteAsync($"DELETE FROM deal_products WHERE deal_id = '{_deal}'");
        await connection.ExecuteAsync($"UPDATE deals SET value = 1 WHERE id = '{_deal}'");
        Assert.Equal(1m, await connection.ScalarAsync<decimal>($"SELECT value FROM deals WHERE id = '{_deal}'"));
    }
}
