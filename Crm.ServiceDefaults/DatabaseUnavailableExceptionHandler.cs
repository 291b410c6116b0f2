using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.ServiceDefaults;

/// <summary>
/// A request that failed because PostgreSQL could not be reached, dropped the connection or did not answer in time
/// (restarting, in crash recovery, out of connections, a network failure, a timeout) answers 503 with <c>Retry-After</c>
/// instead of 500: the same request is expected to work once the database is back (the reliability suite sees a few
/// seconds of this while PostgreSQL restarts). A write that failed this way may still have committed if the connection
/// dropped during its COMMIT, so the answer says so: a retry with the same Idempotency-Key is safe either way.
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>How long a client should wait: PostgreSQL's crash recovery of a small database takes seconds.</summary>
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Find(exception) is not { } unavailable)
        {
            return false;
        }

        // With the exception: a timeout here may be a slow query rather than a database that is down.
        logger.LogWarning(exception, "The database is unavailable: {Message}", unavailable.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = $"The service could not reach its database. Try again in {RetryAfterSeconds} seconds; a write may have been applied, so retry it with the same Idempotency-Key.",
            },
        });
    }

    /// <summary>
    /// The connection-level failure in <paramref name="exception"/>'s chain (EF Core wraps Npgsql's): a server error of
    /// class 08 (connection exception), 57P01–57P03 (shut down by an administrator or a crash, or not accepting
    /// connections yet) or 53300 (too many connections), or a client-side failure Npgsql itself calls transient (I/O,
    /// connection refused, timeout). Serialization failures and deadlocks, transient too, are the caller's business.
    /// </summary>
    private static NpgsqlException? Find(Exception? exception) => exception switch
    {
        null => null,
        // 08P01 (protocol violation) is in class 08 but is a bug, not an outage: left to the 500 handler.
        PostgresException postgres when (postgres.SqlState.StartsWith("08", StringComparison.Ordinal) && postgres.SqlState != PostgresErrorCodes.ProtocolViolation) ||
                                        postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections => postgres,
        PostgresException => null,
        NpgsqlException { IsTransient: true } npgsql => npgsql,
        _ => Find(exception.InnerException),
    };
}
