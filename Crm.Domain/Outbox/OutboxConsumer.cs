using System.Diagnostics;
using Crm.Domain.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crm.Domain.Outbox;

/// <summary>
/// Hands the committed events to one <see cref="IOutboxHandler"/>, in position order, a batch at a time, and moves the
/// handler's cursor past a batch once it is handled. Every replica of a service runs one per handler; the lease in
/// outbox_consumers lets one of them work at a time, and another take over when it stops renewing (a crash). The
/// cursor only moves while the lease is held, so a replica that lost its lease cannot move it back or past events it
/// did not handle. A failed batch is retried with a growing pause; a crash mid-batch means the batch is handled again
/// from the start, which idempotent handlers make harmless.
/// </summary>
internal sealed class OutboxConsumer<THandler>(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    OutboxNotifications notifications,
    OutboxTelemetry telemetry,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxConsumer<THandler>> logger) : BackgroundService
    where THandler : class, IOutboxHandler
{
    /// <summary>This replica's name in the lease: unique per process and consumer.</summary>
    private readonly string _replica = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var relayed = notifications.SubscribeRelayed();
        string name;
        using (var scope = scopes.CreateScope())
        {
            name = scope.ServiceProvider.GetRequiredService<THandler>().Name;
        }
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var batch = await LeaseAndReadAsync(name, stoppingToken);
                    if (batch is null or { Count: 0 })
                    {
                        // Not this replica's turn, or nothing new: wait for the relay's notification (or poll).
                        await relayed.WaitAsync(settings.PollInterval, stoppingToken);
                        continue;
                    }
                    await HandleAsync(name, batch, stoppingToken);
                    if (!await AdvanceAsync(name, batch[^1].Position, stoppingToken))
                    {
                        logger.LogWarning("Outbox consumer {Consumer} lost its lease while handling positions {First}-{Last}; another replica goes on",
                            name, batch[0].Position, batch[^1].Position);
                    }
                    failures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    failures++;
                    telemetry.Failed.Add(1, new KeyValuePair<string, object?>("consumer", name));
                    var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - 1), settings.MaxRetryDelay.TotalSeconds));
                    logger.LogError(e, "Outbox consumer {Consumer} failed a batch ({Failures} in a row); trying it again in {Delay}", name, failures, delay);
                    await Task.Delay(delay, clock, stoppingToken);
                }
            }
        }
        finally
        {
            await ReleaseAsync(name);
        }
    }

    /// <summary>
    /// Takes or renews the lease and reads the next batch after the cursor. Null when another replica holds the lease.
    /// </summary>
    private async Task<List<OutboxEvent>?> LeaseAndReadAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO outbox_consumers (name) VALUES (@name) ON CONFLICT (name) DO NOTHING;
            UPDATE outbox_consumers
            SET lease_owner = @replica, lease_until = clock_timestamp() + @lease, updated_at = clock_timestamp()
            WHERE name = @name AND (lease_owner = @replica OR lease_owner IS NULL OR lease_until < clock_timestamp())
            RETURNING position
            """, connection, transaction);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("replica", _replica);
        command.Parameters.AddWithValue("lease", options.Value.LeaseDuration);
        if (await command.ExecuteScalarAsync(cancellationToken) is not long cursor)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        command.CommandText = "SELECT set_config('crm.worker', 'outbox', true)";
        command.Parameters.Clear();
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = """
            SELECT position, workspace_id, entity_type, entity_id, action, changed, transaction_id::text, trace_parent, occurred_at
            FROM outbox_events WHERE position > @cursor ORDER BY position LIMIT @batch
            """;
        command.Parameters.AddWithValue("cursor", cursor);
        command.Parameters.AddWithValue("batch", options.Value.ConsumerBatchSize);
        var batch = new List<OutboxEvent>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                batch.Add(new OutboxEvent(
                    reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4),
                    reader.GetFieldValue<string[]>(5), ulong.Parse(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetFieldValue<DateTimeOffset>(8)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return batch;
    }

    private async Task HandleAsync(string name, List<OutboxEvent> batch, CancellationToken cancellationToken)
    {
        // One span per batch, linked to the traces of the requests that made its changes.
        var links = batch.Select(e => ActivityContext.TryParse(e.TraceParent, null, out var context) ? new ActivityLink(context) : default)
            .Where(link => link.Context != default).Distinct().Take(32);
        using var activity = telemetry.ActivitySource.StartActivity(ActivityKind.Consumer, parentContext: default, links: links,
            name: $"outbox {name}");
        activity?.SetTag("crm.outbox.consumer", name);
        activity?.SetTag("crm.outbox.events", batch.Count);
        activity?.SetTag("crm.outbox.first_position", batch[0].Position);

        using (var scope = scopes.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(batch, cancellationToken);
        }

        var consumer = new KeyValuePair<string, object?>("consumer", name);
        telemetry.Handled.Add(batch.Count, consumer);
        var now = clock.GetUtcNow();
        foreach (var outboxEvent in batch)
        {
            telemetry.Lag.Record(Math.Max(0, (now - outboxEvent.OccurredAt).TotalSeconds), consumer);
        }
        logger.LogDebug("Outbox consumer {Consumer} handled {Count} events up to position {Position}", name, batch.Count, batch[^1].Position);
    }

    /// <summary>Moves the cursor to <paramref name="position"/> if this replica still holds the lease.</summary>
    private async Task<bool> AdvanceAsync(string name, long position, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            UPDATE outbox_consumers
            SET position = @position, lease_until = clock_timestamp() + @lease, updated_at = clock_timestamp()
            WHERE name = @name AND lease_owner = @replica AND position < @position
            """, connection);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("replica", _replica);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.AddWithValue("lease", options.Value.LeaseDuration);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Gives the lease up on a graceful stop, so another replica takes over at once rather than when it runs out.</summary>
    private async Task ReleaseAsync(string name)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var connection = await OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand(
                "UPDATE outbox_consumers SET lease_owner = NULL, lease_until = NULL WHERE name = @name AND lease_owner = @replica", connection);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("replica", _replica);
            await command.ExecuteNonQueryAsync(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogWarning(e, "Outbox consumer {Consumer} could not give up its lease; it runs out in {Lease}", name, options.Value.LeaseDuration);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await TenantSession.None.ApplyAsync(connection, cancellationToken);
        return connection;
    }
}
