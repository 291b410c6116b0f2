using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Api.Infrastructure.Access;
using Crm.Domain;
using Crm.Domain.Idempotency;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on a POST (DESIGN.md section 7): the first response is stored with the change, by the same
/// SaveChanges, and a retry with the same key and the same request gets it again instead of a second change:
/// <code>
/// var idempotency = await IdempotencyKeys.BeginAsync(request, body, db, ct);
/// if (idempotency.Answer is { } answer) return answer;          // a replay, or 400/422
/// ... add the change ...
/// idempotency.Key?.Remember(db, 201, location, response, json);
/// await db.SaveChangesAsync(ct);                                 // catch IsUniqueViolation(IdempotencyKeys.PrimaryKey): a concurrent twin won
/// </code>
/// Keys are per workspace and per user (another member's same key is a new request: never a replay of a response, or a
/// record, that is not theirs), and are kept indefinitely: no job purges them yet.
/// </summary>
public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The primary key a concurrent request with the same key breaks.</summary>
    public const string PrimaryKey = "idempotency_keys_pkey";

    private const int MaxKeyLength = 255;

    /// <summary>
    /// No key: go ahead without one. A key seen before: its stored response (same request) or 422 (another request).
    /// A new key: go ahead and <see cref="IdempotencyKey.Remember"/> the response.
    /// </summary>
    public static async Task<IdempotencyStart> BeginAsync(HttpRequest request, string body, CrmDbContext db, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return new(null, null);
        }
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return new(null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [HeaderName] = [$"Give one key of 1 to {MaxKeyLength} visible ASCII characters (a UUID, say)."] }));
        }
        var userId = CallerAccess.From(request.HttpContext.User).UserId;
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{request.Method} {request.Path}\n{body}")));
        var idempotencyKey = new IdempotencyKey(userId, key, fingerprint);
        return await AnswerAsync(db, idempotencyKey, cancellationToken) is { } answer
            ? new(null, answer)
            : new(idempotencyKey, null);
    }

    /// <summary>The answer for a key already stored (after a concurrent twin won the insert), or null when it is not.</summary>
    public static async Task<IResult?> AnswerAsync(CrmDbContext db, IdempotencyKey key, CancellationToken cancellationToken)
    {
        var stored = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == key.UserId && r.Key == key.Key, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        return stored.RequestFingerprint == key.Fingerprint
            ? new ReplayedResponse(stored)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency key reused.",
                detail: $"This {HeaderName} was used for a different request; use a new key for a new request.");
    }
}

public sealed record IdempotencyStart(IdempotencyKey? Key, IResult? Answer);

/// <summary>A key as sent by one caller (<paramref name="UserId"/>): keys are per user.</summary>
public sealed record IdempotencyKey(Guid UserId, string Key, string Fingerprint)
{
    /// <summary>Stores the response to replay; saved by the caller's SaveChanges, with the change.</summary>
    public void Remember(CrmDbContext db, int status, string? location, object body, JsonSerializerOptions json) =>
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            UserId = UserId,
            Key = Key,
            RequestFingerprint = Fingerprint,
            ResponseStatus = status,
            ResponseLocation = location,
            ResponseBody = JsonSerializer.Serialize(body, body.GetType(), json),
        });
}

/// <summary>The stored first response, marked with <c>Idempotency-Replayed: true</c>.</summary>
internal sealed class ReplayedResponse(IdempotencyRecord stored) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = stored.ResponseStatus;
        response.Headers["Idempotency-Replayed"] = "true";
        if (stored.ResponseLocation is not null)
        {
            response.Headers.Location = stored.ResponseLocation;
        }
        if (stored.ResponseBody is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(stored.ResponseBody);
        }
    }
}
