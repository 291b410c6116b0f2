using System.Diagnostics.Metrics;
using Crm.ServiceDefaults.Telemetry;

namespace Crm.AiWorker.Features.Jobs;

/// <summary>
/// The worker's background loop. Each pass is where AI jobs (embeddings, scoring, segments, summaries, forecasts;
/// issue #5) will be picked up; today a pass only records that the loop is alive, which <see cref="JobLoopHealthCheck"/>
/// reports, so a stalled or crashed loop makes the service unhealthy instead of silently idle.
/// </summary>
internal sealed class JobLoop(JobLoopState state, ServiceInstrumentation instrumentation, TimeProvider clock, ILogger<JobLoop> logger)
    : BackgroundService
{
    public static readonly TimeSpan PassInterval = TimeSpan.FromSeconds(5);

    private readonly Counter<long> _passes = instrumentation.Meter.CreateCounter<long>("crm.aiworker.loop.passes", description: "Passes of the job loop");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Job loop started; a pass every {Interval}", PassInterval);
        using var timer = new PeriodicTimer(PassInterval, clock);
        do
        {
            using var activity = instrumentation.ActivitySource.StartActivity("job loop pass");
            state.RecordPass(clock.GetUtcNow());
            _passes.Add(1);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>When the loop last completed a pass; shared by the loop and its health check.</summary>
internal sealed class JobLoopState
{
    private long _lastPassTicks;

    public DateTimeOffset? LastPass => Interlocked.Read(ref _lastPassTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void RecordPass(DateTimeOffset at) => Interlocked.Exchange(ref _lastPassTicks, at.UtcTicks);
}
