using System.Diagnostics;
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
/// One workspace failing is logged and does not stop the others.
/// </summary>
public sealed class SegmentationSchedule(
    AiWorkspaces workspaces, SegmentationJob job, TimeProvider clock, IOptions<SegmentationOptions> options,
    ILogger<SegmentationSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, clock);
        do
        {
            try
            {
                await RefreshAllAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The segmentation refresh stopped; it runs again in {Interval}", options.Value.RefreshInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAllAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var list = await workspaces.ListAsync(cancellationToken);
        var (refreshed, failed) = (0, 0);
        foreach (var workspaceId in list)
        {
            try
            {
                var summary = await job.RunAsync(workspaceId, "schedule", cancellationToken);
                refreshed++;
                logger.LogInformation(
                    "Segmented workspace {Workspace} ({Done}/{Total}): {Customers} customers, {Rfm} RFM segments, {Clusters} clusters " +
                    "(silhouette {Silhouette}), {Deactivated} segments deactivated{Skipped}",
                    workspaceId, refreshed + failed, list.Count, summary.Customers, summary.RfmSegments, summary.Clusters,
                    summary.Silhouette, summary.Deactivated, summary.ClusteringSkipped is { } why ? "; " + why : "");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failed++;
                logger.LogWarning(e, "Segmentation of workspace {Workspace} failed", workspaceId);
            }
        }
        logger.LogInformation("Segmentation refresh: {Refreshed} workspaces refreshed, {Failed} failed, in {Elapsed}",
            refreshed, failed, stopwatch.Elapsed);
    }
}
