namespace Crm.AiWorker.Features.Jobs;

public static class JobsRegistration
{
    public static IHostApplicationBuilder AddJobLoop(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobLoopState>();
        builder.Services.AddHostedService<JobLoop>();
        builder.Services.AddHealthChecks().AddCheck<JobLoopHealthCheck>("job-loop");
        return builder;
    }
}
