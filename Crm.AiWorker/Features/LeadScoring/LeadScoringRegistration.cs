using Crm.Domain.Outbox;

namespace Crm.AiWorker.Features.LeadScoring;

public static class LeadScoringRegistration
{
    /// <summary>Lead scores kept current from the outbox, and the nightly batch that trains and rescores.</summary>
    public static IHostApplicationBuilder AddLeadScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LeadScoringOptions>().BindConfiguration(LeadScoringOptions.Section);
        builder.AddOutboxConsumer<LeadScoringConsumer>();
        builder.Services.AddSingleton<LeadScoringSchedule>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LeadScoringSchedule>());
        return builder;
    }
}
