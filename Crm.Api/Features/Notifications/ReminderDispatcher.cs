using System.Diagnostics.Metrics;
using Crm.Api.Infrastructure.Listing;
using Crm.Domain;
using Crm.Domain.Activities;
using Crm.Domain.Notifications;
using Crm.Domain.Tenancy;
using Crm.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Notifications;

/// <summary>
/// Delivers the activities' reminders that have come due, as in-app notifications of their recipients. Every replica
/// runs one (unless <c>Notifications:DispatcherEnabled</c> is false): each pass finds the workspaces with due reminders
/// (the one cross-workspace read, allowed by the reminder_dispatch_finds policy), then, in a session of each workspace,
/// locks a batch of them (<c>FOR UPDATE SKIP LOCKED</c>, so replicas share the work), writes the notifications and marks
/// the reminders sent in one transaction. A notification is unique per reminder and recipient, so nothing is delivered
/// twice. A reminder whose activity was deleted or is over (completed, cancelled, no-show), whose recipient left the
/// workspace, or that is older than <see cref="NotificationOptions.ReminderGrace"/> is cancelled instead. Whatever the
/// reminder's channel, the delivery is in-app: no email, SMS or push gateway is connected yet (docs/api.md).
/// </summary>
internal sealed class ReminderDispatcher(
    IDbContextFactory<CrmDbContext> contexts,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ServiceInstrumentation instrumentation,
    ILogger<ReminderDispatcher> logger) : BackgroundService
{
    private readonly Counter<long> _reminders = instrumentation.Meter.CreateCounter<long>(
        "crm.api.reminders", unit: "{reminder}", description: "Activity reminders handled by the dispatcher, by outcome (sent, cancelled).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DispatcherEnabled)
        {
            logger.LogInformation("The reminder dispatcher is off on this replica (Notifications:DispatcherEnabled)");
            return;
        }
        using var timer = new PeriodicTimer(settings.ReminderPollInterval, clock);
        do
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The reminder dispatcher failed a pass; trying again in {Interval}", settings.ReminderPollInterval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One pass: every workspace's due reminders, a batch at a time. Answers how many reminders it handled.</summary>
    private async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        foreach (var workspaceId in await WorkspacesWithDueRemindersAsync(cancellationToken))
        {
            int batch;
            do
            {
                batch = await DispatchBatchAsync(workspaceId, cancellationToken);
                handled += batch;
            }
            while (batch == options.Value.ReminderBatchSize);
        }
        return handled;
    }

    private async Task<List<Guid>> WorkspacesWithDueRemindersAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SELECT set_config('crm.worker', 'reminders', true)", cancellationToken);
        var now = clock.GetUtcNow();
        return await db.Database.SqlQuery<Guid>(
                $"SELECT DISTINCT workspace_id AS \"Value\" FROM activity_reminders WHERE status = 'pending' AND remind_at <= {now}")
            .ToListAsync(cancellationToken);
    }

    private async Task<int> DispatchBatchAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, null));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var reminders = await db.ActivityReminders
            .FromSql($"""
                SELECT * FROM activity_reminders
                WHERE status = 'pending' AND remind_at <= {now}
                ORDER BY remind_at, id
                LIMIT {settings.ReminderBatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (reminders.Count == 0)
        {
            return 0;
        }
        var activityIds = reminders.Select(r => r.ActivityId).Distinct().ToList();
        var activities = await db.Activities.AsNoTracking().Where(a => activityIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var recipientIds = reminders.Select(r => r.RecipientId).Distinct().ToList();
        var members = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => recipientIds.Contains(m.UserId) && m.Status == MemberStatus.Active).Select(m => m.UserId).ToListAsync(cancellationToken);

        var (sent, cancelled) = (0, 0);
        foreach (var reminder in reminders)
        {
            var activity = activities.GetValueOrDefault(reminder.ActivityId);
            if (activity is null || !IsUpcoming(activity) || !members.Contains(reminder.RecipientId) || now - reminder.RemindAt > settings.ReminderGrace)
            {
                reminder.Status = ReminderStatus.Cancelled;
                cancelled++;
                continue;
            }
            db.Notifications.Add(ToNotification(reminder, activity));
            reminder.Status = ReminderStatus.Sent;
            reminder.SentAt = now;
            sent++;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        _reminders.Add(sent, new KeyValuePair<string, object?>("outcome", "sent"));
        _reminders.Add(cancelled, new KeyValuePair<string, object?>("outcome", "cancelled"));
        logger.LogInformation("Delivered {Sent} reminders and cancelled {Cancelled} in workspace {WorkspaceId}", sent, cancelled, workspaceId);
        return reminders.Count;
    }

    private static bool IsUpcoming(Activity activity) =>
        activity.DeletedAt is null && activity.Status is ActivityStatus.Scheduled or ActivityStatus.InProgress;

    /// <summary>"Reminder: Call with Acme", with the activity's time (still right when delivered late) and a link to it.</summary>
    private static Notification ToNotification(ActivityReminder reminder, Activity activity)
    {
        var minutes = reminder.MinutesBefore;
        var before = minutes % 1440 == 0 ? Count(minutes / 1440, "day") : minutes % 60 == 0 ? Count(minutes / 60, "hour") : Count(minutes, "minute");
        var time = activity.ScheduledAt is { } scheduled ? $"scheduled at {scheduled:u}" : activity.DueAt is { } due ? $"due at {due:u}" : "without a time";
        return new Notification
        {
            UserId = reminder.RecipientId,
            Kind = NotificationKind.Reminder,
            Title = Truncate($"Reminder: {activity.Subject}", 255),
            Body = $"{EnumNames.Of(activity.Type)} {time} (reminder set {before} before)",
            EntityType = "activity",
            EntityId = activity.Id,
            SourceId = reminder.Id,
        };
    }

    private static string Count(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
