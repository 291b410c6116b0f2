namespace Crm.AiWorker.Features.Segments;

public static class SegmentationRegistration
{
    /// <summary>The segmentation job (RFM segments and behaviour clusters) and its schedule.</summary>
    public static IHostApplicationBuilder AddSegmentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SegmentationOptions>().BindConfiguration(SegmentationOptions.Section);
        builder.Services.AddSingleton<SegmentationJob>();
        builder.Services.AddHostedService<SegmentationSchedule>();
        return builder;
    }
}
