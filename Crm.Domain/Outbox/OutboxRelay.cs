using Crm.Domain.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crm.Domain.Outbox;

/// <summary>
/// Stamps committed events with their position (the commit order consumers read in) and prunes old ones. Every
/// service with an outbox consumer runs one; a transaction-scoped advisory lock lets one stamp at a time, so each
/// relay transaction's positions are higher than those of every transaction committed before it, and a consumer that
/// has seen position P has seen every position below P (migration 0017). Events a still-open transaction writes are
/// invisible here until it commits, and are stamped then.
/// </summary>
internal sealed class OutboxRelay(
    NpgsqlDataSource dataSource,
    OutboxNotifications notifications,
    OutboxTelemetry telemetry,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>The advisory lock key that makes relay transactions take turns ("crm outbox relay").</summary>
    public const long AdvisoryLockKey = 0x63726d5f72656c61;

    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means there may be more: go on without waiting.
                while (await RelayBatchAsync(stoppingToken) == settings.RelayBatchSize)
                {
                }
                if (clock.GetUtcNow() >= _nextPrune)
                {
                    await PruneAsync(stoppingToken);
                    _nextPrune = clock.GetUtcNow() + settings.PruneInterval;
                }
                await notifications.Written.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The outbox relay failed a pass; trying again in {Interval}", settings.PollInterval);
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
        }
    }

    /// <summary>Stamps up to one batch, in the order the events were written. Answers how many it stamped.</summary>
    internal async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_try_advisory_xact_lock(@lock) AND set_config('crm.worker', 'outbox', true) = 'outbox'
            """, connection, transaction);
        command.Parameters.AddWithValue("lock", AdvisoryLockKey);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            // Another replica is stamping right now; its notification wakes the consumers.
            return 0;
        }
        command.CommandText = """
            WITH next AS (
                SELECT id, nextval('outbox_position') AS position
                FROM (SELECT id FROM outbox_events WHERE position IS NULL ORDER BY id LIMIT @batch) unrelayed
                ORDER BY id)
            UPDATE outbox_events e SET position = next.position, relayed_at = clock_timestamp()
            FROM next WHERE e.id = next.id
            """;
        command.Parameters.Clear();
        command.Parameters.AddWithValue("batch", options.Value.RelayBatchSize);
        var stamped = await command.ExecuteNonQueryAsync(cancellationToken);
        if (stamped > 0)
        {
            command.CommandText = $"SELECT pg_notify('{OutboxNotifications.RelayedChannel}', '')";
            command.Parameters.Clear();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (stamped > 0)
        {
            telemetry.Relayed.Add(stamped);
            logger.LogDebug("Relayed {Count} outbox events", stamped);
        }
        return stamped;
    }

    /// <summary>
    /// Deletes events that every consumer has handled and that were relayed longer than the retention period ago. A
    /// consumer that stopped keeps its events until it is back (its lag shows it) or its row is removed.
    /// </summary>
    internal async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT set_config('crm.worker', 'outbox', true)", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = """
            DELETE FROM outbox_events
            WHERE position <= (SELECT min(position) FROM outbox_consumers) AND relayed_at < @cutoff
            """;
        command.Parameters.AddWithValue("cutoff", clock.GetUtcNow() - options.Value.Retention);
        var pruned = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (pruned > 0)
        {
            telemetry.Pruned.Add(pruned);
            logger.LogInformation("Pruned {Count} outbox events handled by every consumer and older than {Retention}", pruned, options.Value.Retention);
        }
        return pruned;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await TenantSession.None.ApplyAsync(connection, cancellationToken);
        return connection;
    }
}
