namespace Crm.Api.Features.Notifications;

public static class NotificationsRegistration
{
    /// <summary>In-app notifications: their options (<see cref="NotificationOptions"/>, section Notifications) and the reminder dispatcher.</summary>
    public static IHostApplicationBuilder AddCrmNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>()
            .Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .Validate(o => o.ReminderPollInterval > TimeSpan.Zero && o.ReminderGrace > TimeSpan.Zero && o.ReminderBatchSize > 0,
                "Notifications: ReminderPollInterval, ReminderGrace and ReminderBatchSize must be positive.")
            .ValidateOnStart();
        builder.Services.AddHostedService<ReminderDispatcher>();
        return builder;
    }
}
