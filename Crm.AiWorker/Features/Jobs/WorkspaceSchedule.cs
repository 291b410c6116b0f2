using System.Diagnostics;

namespace Crm.AiWorker.Features.Jobs;

/// <summary>
/// A job that visits every workspace once at start and then every <see cref="Interval"/> (the scoring batch, the
/// segment and forecast refreshes). Each workspace runs in its own try: one that fails is logged and the others still
/// run; the pass ends with a line of how many ran, failed, and how long it took.
/// </summary>
public abstract class WorkspaceSchedule(AiWorkspaces workspaces, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    /// <summary>What the logs call it: "lead scoring batch".</summary>
    protected abstract string JobName { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>The job for one workspace; public so that tests and operators can run it on demand.</summary>
    public abstract Task RunAsync(Guid workspaceId, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        do
        {
            try
            {
                await RunAllAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The {Job} could not list the workspaces; it runs again in {Interval}", JobName, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunAllAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var list = await workspaces.ListAsync(cancellationToken);
        var failed = 0;
        foreach (var workspaceId in list)
        {
            try
            {
                await RunAsync(workspaceId, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failed++;
                logger.LogWarning(e, "The {Job} failed for workspace {Workspace}", JobName, workspaceId);
            }
        }
        logger.LogInformation("The {Job} ran for {Done} workspaces ({Failed} failed) in {Elapsed}; next in {Interval}",
            JobName, list.Count - failed, failed, stopwatch.Elapsed, Interval);
    }
}
