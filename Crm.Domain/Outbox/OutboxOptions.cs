namespace Crm.Domain.Outbox;

/// <summary>Settings of the relay and the consumers (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How long the relay and the consumers wait for a notification before they look anyway: LISTEN/NOTIFY wakes them
    /// at once; this is the fallback when a notification is lost (a dropped listening connection).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events the relay stamps per transaction.</summary>
    public int RelayBatchSize { get; set; } = 2000;

    /// <summary>Events a consumer receives per batch.</summary>
    public int ConsumerBatchSize { get; set; } = 500;

    /// <summary>
    /// How long a consumer replica keeps its lease without renewing it (it renews with every batch). A replica that
    /// crashed is replaced after this long; a batch that takes longer may be handled twice (handlers are idempotent).
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait before a failed batch is tried again (the wait doubles from one second up to this).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long events are kept after every consumer has handled them.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the relay prunes events past <see cref="Retention"/>.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
