using Crm.Domain.Tests.Migrations;
using Crm.Domain.Tests.Tenancy;
using Npgsql;

namespace Crm.Domain.Tests.Outbox;

/// <summary>
/// The relay and a consumer against the real database (migration 0017): every committed change reaches the consumer,
/// once per batch, in commit order, whatever order the writers' transactions commit in, through failures and across
/// replicas; handled events are pruned after the retention period.
/// </summary>
public sealed class OutboxDeliveryTests : IAsyncLifetime
{
    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync() => _db = await TwoWorkspaces.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_transaction_that_commits_late_is_delivered_after_the_ones_that_committed_before_it_and_nothing_is_skipped()
    {
        var handled = new HandledEvents();
        // The slow transaction writes first, so its event has the lower id, and commits last.
        await using var slow = await _db.OpenAsync(_db.A.Session);
        await using var slowTransaction = await slow.BeginTransactionAsync();
        var late = await InsertCompanyAsync(slow, "Late");
        var early = Guid.Empty;
        await using (var quick = await _db.OpenAsync(_db.A.Session))
        {
            early = await InsertCompanyAsync(quick, "Early");
        }

        using var host = await OutboxHost.StartAsync(_db.DataSource, handled);
        await handled.WaitUntilAsync(events => events.Any(e => e.EntityId == early));
        Assert.DoesNotContain(handled.Events, e => e.EntityId == late);

        await slowTransaction.CommitAsync();
        await handled.WaitUntilAsync(events => events.Any(e => e.EntityId == late));
        await host.StopAsync();

        var events = handled.Events.ToList();
        Assert.Equal([early, late], events.Select(e => e.EntityId));
        Assert.True(events[0].Position < events[1].Position);
        Assert.All(events, e => Assert.Equal((_db.A.Id, "company", "created"), (e.WorkspaceId, e.EntityType, e.Action)));
        Assert.Equal(events[1].Position, await CursorAsync());
    }

    [Fact]
    public async Task A_failed_batch_is_handed_over_again_and_the_cursor_moves_only_once_it_succeeds()
    {
        var handled = new HandledEvents();
        var failures = 0;
        handled.BeforeBatch = _ => Interlocked.Increment(ref failures) <= 2 ? throw new InvalidOperationException("the index is down") : Task.CompletedTask;
        var ids = new List<Guid>();
        await using (var connection = await _db.OpenAsync(_db.A.Session))
        {
            for (var i = 0; i < 3; i++)
            {
                ids.Add(await InsertCompanyAsync(connection, $"Company {i}"));
            }
        }

        using var host = await OutboxHost.StartAsync(_db.DataSource, handled);
        await handled.WaitUntilAsync(events => events.Count == 3);
        // The cursor is stored just after the handler returns: wait for it rather than stop the host in between.
        var last = handled.Events.Max(e => e.Position);
        for (var attempt = 0; attempt < 100 && await CursorAsync() != last; attempt++)
        {
            await Task.Delay(50);
        }
        await host.StopAsync();

        Assert.Equal(ids, handled.Events.Select(e => e.EntityId));
        Assert.Equal(3, failures);
        Assert.Equal(last, await CursorAsync());
    }

    [Fact]
    public async Task Two_replicas_of_a_consumer_handle_every_event_once_and_the_second_takes_over_when_the_first_stops()
    {
        var handled = new HandledEvents();
        using var first = await OutboxHost.StartAsync(_db.DataSource, handled, "r1");
        using var second = await OutboxHost.StartAsync(_db.DataSource, handled, "r2");
        var written = new List<Guid>();
        await using (var connection = await _db.OpenAsync(_db.A.Session))
        {
            for (var batch = 0; batch < 10; batch++)
            {
                for (var i = 0; i < 10; i++)
                {
                    written.Add(await InsertCompanyAsync(connection, $"Company {batch}.{i}"));
                }
            }
            await handled.WaitUntilAsync(events => events.Count >= written.Count);

            // The replica that has the lease stops (and gives it up); the other one handles what comes next.
            var holder = handled.All.Last().Replica;
            await (holder == "r1" ? first : second).StopAsync();
            for (var i = 0; i < 5; i++)
            {
                written.Add(await InsertCompanyAsync(connection, $"After {i}"));
            }
            await handled.WaitUntilAsync(events => events.Count >= written.Count);
            Assert.All(handled.All.TakeLast(5), e => Assert.NotEqual(holder, e.Replica));
        }
        await first.StopAsync();
        await second.StopAsync();

        Assert.Equal(written, handled.Events.Select(e => e.EntityId));
        Assert.Equal(written.Count, handled.Events.Select(e => e.Position).Distinct().Count());
    }

    [Fact]
    public async Task Events_every_consumer_has_handled_are_pruned_after_the_retention_period_and_others_are_kept()
    {
        var handled = new HandledEvents();
        await using (var owner = await _db.DataSource.OpenConnectionAsync())
        {
            // A second consumer that has handled nothing yet holds every event back.
            await owner.ExecuteAsync("INSERT INTO outbox_consumers (name, position) VALUES ('lagging', 0)");
        }
        await using (var connection = await _db.OpenAsync(_db.A.Session))
        {
            await InsertCompanyAsync(connection, "Kept");
        }
        var settings = new Dictionary<string, string?> { ["Outbox:Retention"] = "00:00:00", ["Outbox:PruneInterval"] = "00:00:00.100" };
        using var host = await OutboxHost.StartAsync(_db.DataSource, handled, settings: settings);
        await handled.WaitUntilAsync(events => events.Count == 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1L, await _db.DataSource.ScalarAsync<long>("SELECT count(*) FROM outbox_events"));

        Guid wakeUp;
        await using (var owner = await _db.DataSource.OpenConnectionAsync())
        {
            await owner.ExecuteAsync("UPDATE outbox_consumers SET position = (SELECT max(position) FROM outbox_events) WHERE name = 'lagging'");
            await using var connection = await _db.OpenAsync(_db.A.Session);
            // A new event wakes the relay, which prunes on its next pass.
            wakeUp = await InsertCompanyAsync(connection, "Wakes the relay");
        }
        await handled.WaitUntilAsync(events => events.Count == 2);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await _db.DataSource.ScalarAsync<long>("SELECT count(*) FROM outbox_events") != 1)
        {
            await Task.Delay(50, deadline.Token);
        }
        await host.StopAsync();

        // The first event, handled by both consumers, is gone; the second is held back by 'lagging' again.
        Assert.Equal(wakeUp, await _db.DataSource.ScalarAsync<Guid>("SELECT entity_id FROM outbox_events"));
    }

    private static async Task<Guid> InsertCompanyAsync(NpgsqlConnection connection, string name)
    {
        var id = Guid.CreateVersion7();
        await using var command = new NpgsqlCommand(
            "INSERT INTO companies (id, workspace_id, name) VALUES (@id, crm_workspace_id(), @name)", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private Task<long> CursorAsync() => _db.DataSource.ScalarAsync<long>("SELECT position FROM outbox_consumers WHERE name = 'test'");
}
