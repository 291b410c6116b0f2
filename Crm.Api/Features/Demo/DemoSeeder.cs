using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Demo;

/// <summary>
/// Fills the demo workspace (<see cref="DemoWorkspace"/>) once the host has started, when <c>Demo:Enabled</c> is true.
/// Hosted services start after the migrations (AddCrmMigrations runs them first), and waiting for the start lets a
/// failed migration stop the application before anything is written. A failure is logged, never the end of the API:
/// the fill is all or nothing, so the next start tries again.
/// </summary>
internal sealed class DemoSeeder(
    DemoWorkspace demo, IOptions<DemoOptions> options, IHostApplicationLifetime lifetime, ILogger<DemoSeeder> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            await demo.EnsureAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("The demo workspace was not filled: the API is stopping (the next start fills it)");
        }
        catch (Exception e)
        {
            logger.LogError(e, "The demo workspace could not be filled; the next start tries again");
        }
    }
}
