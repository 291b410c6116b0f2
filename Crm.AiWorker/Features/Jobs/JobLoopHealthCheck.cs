using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.AiWorker.Features.Jobs;

/// <summary>Unhealthy when the job loop has not completed a pass for several intervals (stalled, or crashed).</summary>
internal sealed class JobLoopHealthCheck(JobLoopState state, TimeProvider clock) : IHealthCheck
{
    private static readonly TimeSpan StallAfter = JobLoop.PassInterval * 6;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = state.LastPass switch
        {
            null => HealthCheckResult.Degraded("The job loop has not completed a pass yet."),
            var last when clock.GetUtcNow() - last > StallAfter =>
                new HealthCheckResult(context.Registration.FailureStatus, $"The job loop's last pass was at {last:O}."),
            var last => HealthCheckResult.Healthy($"Last pass at {last:O}."),
        };
        return Task.FromResult(result);
    }
}
