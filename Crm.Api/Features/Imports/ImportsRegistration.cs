namespace Crm.Api.Features.Imports;

public static class ImportsRegistration
{
    /// <summary>CSV imports: their options (<see cref="ImportOptions"/>, section Imports) and the background worker.</summary>
    public static IHostApplicationBuilder AddCrmImports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImportOptions>()
            .Bind(builder.Configuration.GetSection(ImportOptions.Section))
            .Validate(o => o.MaxFileBytes > 0 && o.ChunkSize > 0 && o.PollInterval > TimeSpan.Zero && o.LeaseDuration > TimeSpan.Zero && o.MaxAttempts > 0,
                "Imports: MaxFileBytes, ChunkSize, PollInterval, LeaseDuration and MaxAttempts must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ImportQueueSignal>();
        builder.Services.AddSingleton<ImportJobRunner>();
        builder.Services.AddHostedService<ImportWorker>();
        return builder;
    }
}
