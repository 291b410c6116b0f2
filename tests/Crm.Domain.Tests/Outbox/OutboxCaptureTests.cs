using System.Diagnostics;
using Crm.Domain.Tests.Tenancy;
using Npgsql;

namespace Crm.Domain.Tests.Outbox;

/// <summary>
/// The triggers of migration 0017 write an event for every committed change, however it is made, in the change's
/// transaction, and only the change's own workspace can see it.
/// </summary>
public sealed class OutboxCaptureTests : IAsyncLifetime
{
    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync() => _db = await TwoWorkspaces.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Each_kind_of_change_is_an_event_with_its_action_and_changed_columns()
    {
        var (pipeline, first, second, deal, lead, contact, tag) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
            Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await connection.ExecuteAsync($"""
            INSERT INTO pipelines (id, workspace_id, name) VALUES ('{pipeline}', '{_db.A.Id}', 'Sales');
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, default_probability) VALUES
                ('{first}', '{_db.A.Id}', '{pipeline}', 'New', 1, 10), ('{second}', '{_db.A.Id}', '{pipeline}', 'Won', 2, 100);
            INSERT INTO deals (id, workspace_id, name, value, probability, pipeline_id, stage_id)
                VALUES ('{deal}', '{_db.A.Id}', 'Deal', 100, 10, '{pipeline}', '{first}');
            UPDATE deals SET stage_id = '{second}' WHERE id = '{deal}';
            UPDATE deals SET updated_at = now() WHERE id = '{deal}';
            UPDATE deals SET deleted_at = now() WHERE id = '{deal}';
            UPDATE deals SET deleted_at = NULL WHERE id = '{deal}';
            INSERT INTO leads (id, workspace_id, first_name, last_name) VALUES ('{lead}', '{_db.A.Id}', 'Ann', 'Lee');
            INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES ('{contact}', '{_db.A.Id}', 'Ann', 'Lee');
            UPDATE leads SET status = 'converted', converted_at = now(), converted_contact_id = '{contact}' WHERE id = '{lead}';
            INSERT INTO tags (id, workspace_id, name) VALUES ('{tag}', '{_db.A.Id}', 'vip');
            INSERT INTO taggings (id, workspace_id, tag_id, entity_type, entity_id) VALUES ('{Guid.CreateVersion7()}', '{_db.A.Id}', '{tag}', 'lead', '{lead}');
            DELETE FROM deals WHERE id = '{deal}';
            """);

        var events = await ReadAsync(connection, "SELECT entity_type || ':' || action FROM outbox_events ORDER BY id");
        var changed = await ReadAsync(connection, "SELECT array_to_string(changed, ',') FROM outbox_events ORDER BY id");

        // The stamp-only update of the deal made no event.
        Assert.Equal(
            [
                "pipeline:created", "pipeline:updated", "deal:created", "deal:stage_changed", "deal:deleted", "deal:restored",
                "lead:created", "contact:created", "lead:converted", "lead:updated", "deal:purged",
            ],
            events);
        Assert.Equal("stages", changed[1]);
        Assert.Contains("stage_id", changed[3].Split(','));
        Assert.Equal("deleted_at", changed[4]);
        Assert.Contains("status", changed[8].Split(','));
        Assert.Equal("tags", changed[9]);
    }

    [Fact]
    public async Task An_event_carries_the_trace_of_the_request_and_is_visible_to_its_workspace_only()
    {
        using var source = new ActivitySource("outbox-test");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "outbox-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        string traceParent;
        using (var request = source.StartActivity("request"))
        {
            traceParent = request!.Id!;
            await using var connection = await _db.OpenAsync(_db.A.Session);
            await connection.ExecuteAsync($"INSERT INTO companies (id, workspace_id, name) VALUES ('{Guid.CreateVersion7()}', '{_db.A.Id}', 'Acme')");
            Assert.Equal([traceParent], await ReadAsync(connection, "SELECT trace_parent FROM outbox_events"));
        }

        await using var other = await _db.OpenAsync(_db.B.Session);
        Assert.Empty(await ReadAsync(other, "SELECT trace_parent FROM outbox_events"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => other.ExecuteAsync(
            $"INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action) VALUES ('{_db.A.Id}', 'company', gen_random_uuid(), 'created')"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task A_change_that_rolls_back_leaves_no_event()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync($"INSERT INTO companies (id, workspace_id, name) VALUES ('{Guid.CreateVersion7()}', '{_db.A.Id}', 'Gone')");
            await transaction.RollbackAsync();
        }

        Assert.Empty(await ReadAsync(connection, "SELECT entity_type FROM outbox_events"));
    }

    private static async Task<List<string>> ReadAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
