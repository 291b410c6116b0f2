using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Persistence;
using Crm.Domain;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>Why a resource's save failed, as the answer to give.</summary>
public record SaveFailure(IResult Result);

/// <summary>A concurrent request with the same Idempotency-Key committed first: answer with its response.</summary>
public sealed record ConflictOnKey(IResult Result) : SaveFailure(Result);

/// <summary>A unique index of a resource's table, and the 409 a violation of it answers (with the field it names).</summary>
public sealed record UniqueConflict(string IndexName, string Field, string Detail);

/// <summary>
/// The request plumbing every business resource shares (docs/api.md, "Companies"): JSON bodies, batches, the saving of
/// a request's changes in one transaction, and the problems they answer.
/// </summary>
public static class ResourceRequests
{
    public const int MaxBatchSize = 100;

    /// <summary>The body as text, or 415 when it is not application/json.</summary>
    /// <summary>
    /// The start of a POST that creates from a JSON body: the body's text and its Idempotency-Key, or the answer to give
    /// at once (415 for another media type, a replay's stored response, 400 or 422 for a bad or reused key).
    /// </summary>
    public static async Task<JsonPost> BeginJsonPostAsync(ResourceServices services, CancellationToken cancellationToken)
    {
        var request = services.HttpContext.Request;
        var body = await ReadJsonBodyAsync(request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return new JsonPost(null, null, unreadable);
        }
        var idempotency = await IdempotencyKeys.BeginAsync(request, body.Text!, services.Db, cancellationToken);
        return new JsonPost(body.Text, idempotency.Key, idempotency.Answer);
    }

    public static async Task<(string? Text, IResult? Problem)> ReadJsonBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: "Send the body as application/json."));
        }
        using var reader = new StreamReader(request.Body);
        return (await reader.ReadToEndAsync(cancellationToken), null);
    }

    /// <summary>The items of <c>{"items":[...]}</c>, or the problem: 400 when malformed or empty, 413 over <see cref="MaxBatchSize"/>.</summary>
    public static List<JsonNode?>? ParseBatch(string body, string itemNoun, out IResult? problem)
    {
        problem = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            problem = Invalid("body", $"The body is not valid JSON: {e.Message}");
            return null;
        }
        if (root is not JsonObject rootObject || rootObject.Count != 1 || rootObject["items"] is not JsonArray items)
        {
            problem = Invalid("items", $"The body must be {{\"items\": [{itemNoun}, ...]}}.");
            return null;
        }
        if (items.Count == 0)
        {
            problem = Invalid("items", "Give at least one item.");
            return null;
        }
        if (items.Count > MaxBatchSize)
        {
            problem = TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Batch too large.",
                detail: $"A batch holds at most {MaxBatchSize} items; this one has {items.Count}. Split it.");
            return null;
        }
        return [.. items];
    }

    /// <summary>
    /// Saves the request's changes (the record, its audit rows, the idempotency key) in one transaction; a stale
    /// version answers 412, a unique violation of <paramref name="conflicts"/> 409.
    /// </summary>
    public static async Task<SaveFailure?> SaveAsync(
        CrmDbContext db, IReadOnlyList<UniqueConflict> conflicts, CancellationToken cancellationToken, Action? beforeCommit = null)
    {
        beforeCommit?.Invoke();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return new SaveFailure(ETags.StalePrecondition());
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(IdempotencyKeys.PrimaryKey))
        {
            db.ChangeTracker.Clear();
            return new ConflictOnKey(Conflict("A request with the same Idempotency-Key is in progress; retry it."));
        }
        catch (DbUpdateException e) when (conflicts.FirstOrDefault(c => e.IsUniqueViolation(c.IndexName)) is { } conflict)
        {
            return new SaveFailure(Conflict(conflict.Detail, conflict.Field));
        }
    }

    /// <summary>The answer to a failed create: the first response of the same Idempotency-Key when one won the race.</summary>
    public static async Task<IResult> AnswerAsync(SaveFailure failure, IdempotencyKey? key, CrmDbContext db, CancellationToken cancellationToken) =>
        key is not null && failure is ConflictOnKey
            ? await IdempotencyKeys.AnswerAsync(db, key, cancellationToken) ?? failure.Result
            : failure.Result;

    /// <summary>
    /// Checks owner ids: the owner must be an active member of the workspace (the users foreign key alone would accept
    /// anyone's user), and a caller with scope own or team may only make themselves owner and may not clear the owner
    /// (a record without one would leave their sight); scope all may. Errors go to prefix + <paramref name="field"/>
    /// (the name of the owner in the resource: "ownerId", a task's "assignedTo").
    /// </summary>
    public static async Task CheckOwnersAsync(
        CrmDbContext db, CallerAccess caller, IReadOnlyList<(Guid? OwnerId, string Prefix)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken, string field = "ownerId")
    {
        var members = await ActiveMembersAsync(db, items.Select(i => i.OwnerId).OfType<Guid>(), cancellationToken);
        foreach (var (owner, prefix) in items)
        {
            if (owner is not { } ownerId)
            {
                if (caller.Scope != RecordScope.All)
                {
                    errors[prefix + field] = ["Your record scope needs an owner on every record: yourself."];
                }
                continue;
            }
            if (!members.Contains(ownerId))
            {
                errors[prefix + field] = ["Not an active member of this workspace."];
            }
            else if (caller.Scope != RecordScope.All && ownerId != caller.UserId)
            {
                errors[prefix + field] = ["Your record scope lets you assign records only to yourself."];
            }
        }
    }

    /// <summary>
    /// Fails each field whose user id is not an active member of the workspace (an assignee, a participant, a mention):
    /// the users foreign key alone would accept anyone's user. One query for all of them.
    /// </summary>
    public static async Task CheckMembersAsync(
        CrmDbContext db, IEnumerable<(Guid? UserId, string Field)> references, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var named = references.Where(r => r.UserId is not null).ToList();
        var members = await ActiveMembersAsync(db, named.Select(r => r.UserId!.Value), cancellationToken);
        foreach (var (_, field) in named.Where(r => !members.Contains(r.UserId!.Value)))
        {
            errors[field] = ["Not an active member of this workspace."];
        }
    }

    /// <summary>Those of <paramref name="userIds"/> who are active members of the caller's workspace, in one query.</summary>
    private static async Task<HashSet<Guid>> ActiveMembersAsync(CrmDbContext db, IEnumerable<Guid> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.Distinct().ToList();
        return ids.Count == 0 ? [] : [.. await db.WorkspaceMembers
            .Where(m => ids.Contains(m.UserId) && m.Status == MemberStatus.Active)
            .Select(m => m.UserId).ToListAsync(cancellationToken)];
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string noun) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"There is no such {noun}.");

    public static ProblemHttpResult Conflict(string detail, string? field = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Conflict.",
        detail: detail,
        extensions: field is null ? null : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });
}

/// <summary>A create's JSON body and Idempotency-Key (<see cref="ResourceRequests.BeginJsonPostAsync"/>), or its answer.</summary>
public sealed record JsonPost(string? Body, IdempotencyKey? Key, IResult? Answer);
