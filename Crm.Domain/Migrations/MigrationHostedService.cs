using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

/// <summary>
/// Migrates the database during host start, before the web server accepts requests. The AppHost may start a
/// service while PostgreSQL is still coming up, so unreachable-database errors are retried with backoff for
/// <paramref name="retryFor"/>; anything else (a changed or failing migration) fails startup at once.
/// </summary>
internal sealed class MigrationHostedService(MigrationRunner runner, TimeSpan retryFor, ILogger<MigrationHostedService> logger) : IHostedService
{
    public static readonly TimeSpan DefaultRetryFor = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await runner.RunAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && waited.Elapsed + delay < retryFor)
            {
                logger.LogWarning("Database not reachable for migrations (attempt {Attempt}): {Error}; retrying in {Delay}", attempt, ex.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
