namespace Crm.Domain.Outbox;

/// <summary>
/// A wake-up call that is remembered until someone waits for it: set by a notification, taken by the next wait, so a
/// notification that arrives while its listener is busy is not lost (several notifications before a wait count once).
/// </summary>
internal sealed class OutboxSignal
{
    private readonly SemaphoreSlim _set = new(0, 1);

    public void Set()
    {
        try
        {
            _set.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set: the next wait returns at once either way.
        }
    }

    /// <summary>Waits until the signal is set or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _set.WaitAsync(timeout, cancellationToken);
}
