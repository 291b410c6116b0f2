namespace Crm.Api.Features.Notifications;

/// <summary>The <c>Notifications</c> configuration section.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>How often the dispatcher looks for reminders come due: a reminder arrives at most this late.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A reminder found later than this after its time (the API was down for a day, say) is cancelled rather than
    /// delivered: a reminder for a meeting long over helps nobody.
    /// </summary>
    public TimeSpan ReminderGrace { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Reminders delivered per workspace and transaction.</summary>
    public int ReminderBatchSize { get; set; } = 500;

    /// <summary>False for replicas that leave the delivery to others.</summary>
    public bool DispatcherEnabled { get; set; } = true;
}
