using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Outbox;

/// <summary>
/// Listens on one connection for the outbox's notifications and wakes the relay (<c>crm_outbox</c>: events were
/// written) and the consumers (<c>crm_outbox_relayed</c>: events were stamped). A dropped connection is reopened after
/// a pause; meanwhile the relay and the consumers poll (<see cref="OutboxOptions.PollInterval"/>).
/// </summary>
internal sealed class OutboxNotifications(NpgsqlDataSource dataSource, ILogger<OutboxNotifications> logger) : BackgroundService
{
    public const string WrittenChannel = "crm_outbox";
    public const string RelayedChannel = "crm_outbox_relayed";

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(5);
    private readonly List<OutboxSignal> _relayed = [];

    public OutboxSignal Written { get; } = new();

    /// <summary>A signal set whenever events are relayed: one per consumer, so each of them is woken.</summary>
    public OutboxSignal SubscribeRelayed()
    {
        var signal = new OutboxSignal();
        lock (_relayed)
        {
            _relayed.Add(signal);
        }
        return signal;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Notify(e.Channel);
                await using (var listen = new NpgsqlCommand($"LISTEN {WrittenChannel}; LISTEN {RelayedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Whatever happened while nobody listened is picked up by one look now.
                Notify(WrittenChannel);
                Notify(RelayedChannel);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(e, "Listening for outbox notifications failed; polling until it is back in {Delay}", ReconnectDelay);
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }

    private void Notify(string channel)
    {
        if (channel == WrittenChannel)
        {
            Written.Set();
            return;
        }
        lock (_relayed)
        {
            foreach (var signal in _relayed)
            {
                signal.Set();
            }
        }
    }
}
