namespace Crm.Api.Features.Imports;

/// <summary>Wakes this replica's idle worker when a job is queued here, rather than at its next poll.</summary>
internal sealed class ImportQueueSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _lock = new();

    public void Notify()
    {
        // Serialized, so two uploads cannot both see the count at 0 and release past the maximum of 1.
        lock (_lock)
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Until notified or <paramref name="timeout"/> has passed.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
