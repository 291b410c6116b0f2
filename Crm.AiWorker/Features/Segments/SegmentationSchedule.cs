using Crm.AiWorker.Features.Jobs;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Features.Segments;

/// <summary>How often customer segments are refreshed (configuration section <c>Ai:Segments</c>).</summary>
public sealed class SegmentationOptions
{
    public const string Section = "Ai:Segments";

    /// <summary>
    /// Segments move with won deals and the passing of time (recency), slowly: four refreshes a day keep them current
    /// without re-clustering every workspace on every deal.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>
/// Refreshes the segments of every workspace once at start and then every <see cref="SegmentationOptions.RefreshInterval"/>.
/// </summary>
public sealed class SegmentationSchedule(
    AiWorkspaces workspaces, SegmentationJob job, TimeProvider clock, IOptions<SegmentationOptions> options,
    ILogger<SegmentationSchedule> logger) : WorkspaceSchedule(workspaces, clock, logger)
{
    protected override string JobName => "segmentation refresh";

    protected override TimeSpan Interval => options.Value.RefreshInterval;

    public override async Task RunAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var summary = await job.RunAsync(workspaceId, "schedule", cancellationToken);
        logger.LogInformation(
            "Segmented workspace {Workspace}: {Customers} customers, {Rfm} RFM segments, {Clusters} clusters " +
            "(silhouette {Silhouette}), {Deactivated} segments deactivated{Skipped}",
            workspaceId, summary.Customers, summary.RfmSegments, summary.Clusters,
            summary.Silhouette, summary.Deactivated, summary.ClusteringSkipped is { } why ? "; " + why : "");
    }
}
