using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Crm.Domain.Outbox;

public static class OutboxRegistration
{
    /// <summary>
    /// Gives every committed change event to <typeparamref name="THandler"/> (resolved in a scope per batch), in
    /// commit order, with the relay that orders them; the service needs a registered NpgsqlDataSource (AddCrmDataSource).
    /// Settings: configuration section <c>Outbox</c> (<see cref="OutboxOptions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddOutboxConsumer<THandler>(this IHostApplicationBuilder builder)
        where THandler : class, IOutboxHandler
    {
        builder.AddOutboxRelay();
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddHostedService<OutboxConsumer<THandler>>();
        return builder;
    }

    /// <summary>The relay alone (it stamps and prunes events), with the notification listener. Registered once.</summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(OutboxNotifications)))
        {
            return builder;
        }
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OutboxTelemetry>();
        builder.Services.AddSingleton<OutboxNotifications>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxNotifications>());
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
