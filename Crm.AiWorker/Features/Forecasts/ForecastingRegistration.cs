namespace Crm.AiWorker.Features.Forecasts;

public static class ForecastingRegistration
{
    /// <summary>The forecast refresh: won revenue by month ahead, and each open deal's win probability and close date.</summary>
    public static IHostApplicationBuilder AddForecasting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForecastOptions>().BindConfiguration(ForecastOptions.Section);
        builder.Services.AddSingleton<ForecastJob>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ForecastJob>());
        return builder;
    }
}
