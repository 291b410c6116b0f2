using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Crm.Api.Infrastructure.Concurrency;

/// <summary>
/// ETags from PostgreSQL's <c>xmin</c> (the id of the transaction that last wrote the row, so it changes on every
/// update). An entity exposes it by mapping a <c>uint</c> as row version, which Npgsql's EF provider maps to the
/// <c>xmin</c> system column (type xid) by convention, and uses as the concurrency token of UPDATE and DELETE:
/// <code>
/// public uint Version { get; set; }                         // on the entity, or a shadow property:
/// builder.Property(e => e.Version).IsRowVersion();          // builder.Property&lt;uint&gt;("Version").IsRowVersion();
/// </code>
/// (<c>UseXminAsConcurrencyToken()</c> is obsolete since Npgsql EF 7.) No migration adds a column: xmin exists on
/// every table.
/// </summary>
public static class ETags
{
    /// <summary><c>"&lt;xmin&gt;"</c>: a strong ETag, since xmin changes with every write of the row.</summary>
    public static string Format(uint version) => $"\"{version}\"";

    /// <summary>Sets the response's <c>ETag</c> header (GET, and PATCH/POST answers with the new version).</summary>
    public static void SetETag(this HttpResponse response, uint version) => response.Headers.ETag = Format(version);

    /// <summary>
    /// Compares <c>If-Match</c> with the row's version. Weak tags (<c>W/"7"</c>) match too: compression middleware may
    /// weaken an ETag on its way out, and the number still names exactly one state of the row. <c>*</c> matches any
    /// existing row.
    /// </summary>
    public static IfMatchResult CheckIfMatch(HttpRequest request, uint currentVersion)
    {
        var header = request.Headers.IfMatch;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header.ToString()))
        {
            return IfMatchResult.Missing;
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count == 0)
        {
            return IfMatchResult.Malformed;
        }
        var current = Format(currentVersion);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(current, StringComparison.Ordinal))
            ? IfMatchResult.Match
            : IfMatchResult.Mismatch;
    }

    /// <summary>
    /// Null when the request may go ahead; otherwise the ProblemDetails answer: 428 without If-Match (PATCH and DELETE
    /// require one, so nobody overwrites a change they have not seen), 412 when it names another version, 400 when it
    /// cannot be read.
    /// </summary>
    public static IResult? PreconditionProblem(HttpRequest request, uint currentVersion) => CheckIfMatch(request, currentVersion) switch
    {
        IfMatchResult.Match => null,
        IfMatchResult.Missing => TypedResults.Problem(
            statusCode: StatusCodes.Status428PreconditionRequired,
            title: "If-Match required.",
            detail: "Send If-Match with the ETag of the version you read (GET the resource for it)."),
        IfMatchResult.Mismatch => StalePrecondition(),
        _ => TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["If-Match"] = ["If-Match must be an ETag such as \"123\", or *."] },
            title: "The If-Match header is not valid."),
    };

    /// <summary>412: also the answer when the row changes between the check and the save (DbUpdateConcurrencyException).</summary>
    public static IResult StalePrecondition() => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The resource has changed.",
        detail: "It was changed since the version your If-Match names; GET it again, reapply your change, and retry.");

    /// <summary>The version an If-Match names, when it names exactly one (not <c>*</c>).</summary>
    public static bool TryParseVersion(HttpRequest request, out uint version)
    {
        version = 0;
        return EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var tags) && tags.Count == 1 && !tags[0].Equals(EntityTagHeaderValue.Any) &&
               uint.TryParse(tags[0].Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}

public enum IfMatchResult
{
    Match,
    Missing,
    Mismatch,
    Malformed,
}
