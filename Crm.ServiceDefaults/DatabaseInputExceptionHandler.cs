using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.ServiceDefaults;

/// <summary>
/// The safety net under input validation: a PostgreSQL "data exception" (SQLSTATE class 22: a string too long for its
/// column, a number out of range, a character the database cannot store) or a CHECK constraint violation (23514) comes
/// from a value the caller sent, so it answers 400 instead of 500. Validation should catch these first and name the field; this only guarantees that a
/// value validation missed is still the caller's error, not the server's.
/// </summary>
internal sealed class DatabaseInputExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseInputExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Find(exception) is not { } postgres ||
            !(postgres.SqlState.StartsWith("22", StringComparison.Ordinal) || postgres.SqlState == PostgresErrorCodes.CheckViolation))
        {
            return false;
        }

        logger.LogWarning("A value the database rejected reached it unvalidated ({SqlState}: {Message})", postgres.SqlState, postgres.MessageText);
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "A value in the request cannot be stored.",
                Detail = "A value is too long, out of range, not in the allowed form, or contains a character that cannot be stored (such as U+0000).",
            },
        });
    }

    private static PostgresException? Find(Exception? exception) => exception switch
    {
        null => null,
        PostgresException postgres => postgres,
        _ => Find(exception.InnerException),
    };
}
