namespace Crm.Domain.Outbox;

/// <summary>
/// One consumer of the outbox (registered with <c>AddOutboxConsumer</c>): it receives every committed event once per
/// batch, in position order, and its cursor moves past a batch only after <see cref="HandleAsync"/> returns. A crash,
/// a lost lease or an exception means the batch is handed over again (to this or another replica), so handling must
/// be idempotent: read the records' current state and write the result by key.
/// </summary>
public interface IOutboxHandler
{
    /// <summary>The consumer's name: its row in outbox_consumers (cursor and lease), its metrics' tag.</summary>
    string Name { get; }

    /// <summary>
    /// Handles a batch of events of any workspaces. Act on a workspace's records in a session of that workspace
    /// (<see cref="Tenancy.TenantSession"/>), never across workspaces.
    /// </summary>
    Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken);
}
