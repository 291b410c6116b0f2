using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

/// <summary>
/// Migrates the database during host start, before the web server accepts requests. The AppHost may start a
/// service while PostgreSQL is still coming up, so unreachable-database errors are retried with backoff for
/// <c>retryFor</c>; anything else (a changed or failing migration) fails at once.
/// </summary>
/// <remarks>
/// <para>
/// A failure does not escape <see cref="StartAsync"/>: the host would rethrow it from <c>app.Run()</c>, and the
/// process would die of an unhandled exception (exit code 134, SIGABRT, and a stack trace). Instead the service logs
/// one Critical line with the reason, sets <see cref="Environment.ExitCode"/> to 1 and stops the application, so the
/// process exits with code 1 after a normal shutdown.
/// </para>
/// <para>
/// The stop waits for <see cref="IHostApplicationLifetime.ApplicationStarted"/>. .NET 10's host offers nothing
/// cleaner (verified): an exception from <c>StartAsync</c> or <c>IHostedLifecycleService.StartingAsync</c> escapes
/// <c>app.Run()</c> the same way, and calling <see cref="IHostApplicationLifetime.StopApplication"/> during start
/// cancels the token the host passes to the remaining hosted services, whereupon Kestrel's start throws
/// <see cref="OperationCanceledException"/> and the host again fails with exit code 134. So the host starts its
/// remaining hosted services and the server, and stops right away. Meanwhile <see cref="MigrationFailureGate"/>
/// answers every HTTP request with 503, so nothing is served against the unmigrated schema; background services
/// registered after this one do start, and are stopped with the host moments later.
/// </para>
/// <para>
/// Cancellation (the host stopping, or its startup timeout, while waiting for the database or the lock) is not a
/// migration failure and propagates as usual.
/// </para>
/// </remarks>
internal sealed class MigrationHostedService(
    Func<CancellationToken, Task> setUpDatabase,
    TimeSpan retryFor,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationHostedService> logger) : IHostedService
{
    public static readonly TimeSpan DefaultRetryFor = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    private volatile bool _failed;

    /// <summary>True once the migrations have failed; the application stops (exit code 1) as soon as the host has started.</summary>
    public bool Failed => _failed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The runner is created in here rather than by the DI factory, so that invalid embedded files fail as
                // cleanly as the rest.
                await setUpDatabase(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                if (waited.Elapsed + delay >= retryFor)
                {
                    logger.LogCritical(
                        "Database migrations failed, stopping the application: the database was unreachable for {UnreachableSeconds} s ({Attempts} attempts); last error: {Error}",
                        (int)Math.Round(waited.Elapsed.TotalSeconds), attempt, ex.Message);
                    StopApplication();
                    return;
                }

                logger.LogWarning("Database not reachable for migrations (attempt {Attempt}): {Error}; retrying in {Delay}", attempt, ex.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
            catch (MigrationException ex)
            {
                // The message names the file and says what is wrong; a stack trace would add nothing.
                logger.LogCritical("Database migrations failed, stopping the application: {Reason}", ex.Message);
                StopApplication();
                return;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Unexpected (e.g. authentication failed, database missing): keep the exception for diagnosis.
                logger.LogCritical(ex, "Database migrations failed, stopping the application: {Error}", ex.Message);
                StopApplication();
                return;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void StopApplication()
    {
        _failed = true;
        Environment.ExitCode = 1;
        // Not StopApplication() now: see the remarks above.
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
    }
}
