using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.ServiceDefaults;

/// <summary>
/// The safety net under input validation: JSON text that is no valid Unicode, and a PostgreSQL "data exception" (SQLSTATE class 22: a string too long for its
/// column, a number out of range, a character the database cannot store) or a CHECK constraint violation (23514) comes
/// from a value the caller sent, so it answers 400 instead of 500. Validation should catch these first and name the field; this only guarantees that a
/// value validation missed is still the caller's error, not the server's.
/// </summary>
internal sealed class DatabaseInputExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseInputExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (IsUnreadableJsonText(exception))
        {
            // A JSON string that is valid JSON but no valid text ("\ud800", a lone surrogate): System.Text.Json parses it and
            // throws only when the value is read as a string, wherever in the endpoint that happens.
            logger.LogWarning("A JSON string in the request is not valid text: {Message}", exception.Message);
            return await WriteBadRequestAsync(httpContext, exception, "A text in the request is not valid Unicode.",
                "A JSON string holds an unpaired surrogate escape (such as \\ud800) or bytes that are not UTF-8.");
        }
        if (Find(exception) is not { } postgres ||
            !(postgres.SqlState.StartsWith("22", StringComparison.Ordinal) || postgres.SqlState == PostgresErrorCodes.CheckViolation))
        {
            return false;
        }

        logger.LogWarning("A value the database rejected reached it unvalidated ({SqlState}: {Message})", postgres.SqlState, postgres.MessageText);
        return await WriteBadRequestAsync(httpContext, exception, "A value in the request cannot be stored.",
            "A value is too long, out of range, not in the allowed form, or contains a character that cannot be stored (such as U+0000).");
    }

    private async ValueTask<bool> WriteBadRequestAsync(HttpContext httpContext, Exception exception, string title, string detail)
    {
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// System.Text.Json's "cannot read this JSON string as UTF-16 text" (its ThrowHelper's ReadIncompleteUTF16 and
    /// ReadInvalidUTF8/16 throws), recognised by the throwing method rather than by the (localised) message.
    /// </summary>
    private static bool IsUnreadableJsonText(Exception exception) =>
        exception is InvalidOperationException { TargetSite: { DeclaringType.FullName: "System.Text.Json.ThrowHelper", Name: var thrower } }
        && (thrower.Contains("UTF16", StringComparison.Ordinal) || thrower.Contains("UTF8", StringComparison.Ordinal));

    private static PostgresException? Find(Exception? exception) => exception switch
    {
        null => null,
        PostgresException postgres => postgres,
        _ => Find(exception.InnerException),
    };
}
