using Crm.Api.Infrastructure.OpenApi;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Features.Notes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Comments;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Comments;

/// <summary>
/// <c>/api/v1/comments</c> (docs/api.md, "Comments"): threads on a note, task, activity or deal. Whoever sees the
/// record sees and may write its comments (a viewer only reads); only the author edits a comment; the author, an owner
/// or an admin deletes it. Reactions are per member: PUT adds the caller's, DELETE removes it.
/// </summary>
public static class CommentEndpoints
{
    public const string EntityType = "comment";

    private static readonly ListingSchema<Comment> Listing = new ListingSchema<Comment>("comments", c => c.Id)
        .Field("parentCommentId", c => c.ParentCommentId, filterable: true)
        .Field("createdBy", c => c.CreatedBy, filterable: true)
        .Field("createdAt", c => c.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("createdAt");

    public static IEndpointRouteBuilder MapCommentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/comments").WithTags("Comments").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/", ListAsync)
            .WithName("ListComments")
            .WithSummary("List the comments on a record, oldest first")
            .WithDescription("entityType and entityId are required; cursor-paged like every list, filter by parentCommentId for one thread. " +
                             "404 when the record is not one the caller sees.")
            .Produces<ListPage<CommentResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetComment")
            .WithSummary("Get a comment")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .Produces<CommentResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", CreateAsync)
            .WithName("CreateComment")
            .WithSummary("Comment on a note, task, activity or deal, or reply to a comment")
            .WithDescription("The record must be one the caller sees; a reply's parent a live comment on the same record. " +
                             "Idempotency-Key replays the first response.")
            .Accepts<CommentInput>("application/json")
            .Produces<CommentResponse>(StatusCodes.Status201Created)
            .ProducesCreateProblems();

        group.MapPatch("/{id:guid}", PatchAsync)
            .WithName("PatchComment")
            .WithSummary("Edit a comment (JSON merge patch; its author only)")
            .WithDescription("content and mentions; requires If-Match with the ETag read; answers the new ETag.")
            .Accepts<CommentEdit>(MergePatchRequest.MediaType, "application/json")
            .Produces<CommentResponse>()
            .ProducesPatchProblems();

        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteComment")
            .WithSummary("Delete a comment (soft; its author, an owner or an admin)")
            .WithDescription("Requires If-Match. Replies stay, and keep their parentCommentId.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesDeleteProblems();

        group.MapPost("/{id:guid}/restore", RestoreAsync)
            .WithName("RestoreComment")
            .WithSummary("Restore a deleted comment (its author, an owner or an admin)")
            .WithDescription("While the record it is on is still one the caller sees; the comment comes back in its thread.")
            .Produces<CommentResponse>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        group.MapPut("/{id:guid}/reactions/{reaction}", (Guid id, string reaction, [AsParameters] ResourceServices services, CancellationToken ct) =>
                ReactAsync(id, reaction, add: true, services, ct))
            .WithName("AddCommentReaction")
            .WithSummary("Add the caller's reaction to a comment")
            .WithDescription("reaction is up to 32 characters without spaces (an emoji, \":+1:\"); adding it twice changes nothing.")
            .Produces<CommentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:guid}/reactions/{reaction}", (Guid id, string reaction, [AsParameters] ResourceServices services, CancellationToken ct) =>
                ReactAsync(id, reaction, add: false, services, ct))
            .WithName("RemoveCommentReaction")
            .WithSummary("Remove the caller's reaction from a comment")
            .Produces<CommentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return routes;
    }

    private static async Task<IResult> ListAsync(
        ListQuery query, string? entityType, string? entityId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CommentTarget type = default;
        if (entityType is null || !EnumNames.TryParse(typeof(CommentTarget), entityType, out var parsed))
        {
            errors["entityType"] = ["Give entityType: note, task, activity or deal."];
        }
        else
        {
            type = (CommentTarget)parsed!;
        }
        if (!Guid.TryParse(entityId, out var id))
        {
            errors["entityId"] = ["Give entityId: the UUID of the record."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (!await CommentTargets.IsVisibleAsync(services, type, id, cancellationToken))
        {
            return ResourceRequests.NotFound(EnumNames.Of(type));
        }
        var page = await services.Db.Comments.AsNoTracking()
            .Where(c => c.EntityType == type && c.EntityId == id && c.DeletedAt == null)
            .ToListResultAsync(Listing, query, ToResponse, cancellationToken);
        return page.Result;
    }

    private static async Task<IResult> GetAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var comment = await FindAsync(services, id, cancellationToken);
        if (comment is null)
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(comment.Version);
        return TypedResults.Ok(ToResponse(comment));
    }

    private static async Task<IResult> CreateAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var post = await ResourceRequests.BeginJsonPostAsync(services, cancellationToken);
        if (post.Answer is { } answer)
        {
            return answer;
        }

        var parsed = MergePatch.Apply(new CommentInput(), post.Body!, services.Json);
        if (parsed.Errors is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }
        var errors = new Dictionary<string, string[]>();
        var input = CommentValidator.Validate(parsed.Value!, errors);
        if (input is { EntityType: { } type, EntityId: { } entityId })
        {
            await CheckTargetAsync(services, type, entityId, input.ParentCommentId, errors, cancellationToken);
        }
        await Mentions.CheckMembersAsync(services, [(input.Mentions, "")], errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var comment = new Comment
        {
            EntityType = input.EntityType!.Value,
            EntityId = input.EntityId!.Value,
            ParentCommentId = input.ParentCommentId,
            Content = input.Content!,
            Mentions = [.. input.Mentions],
            CreatedBy = services.Caller.UserId,
        };
        services.Db.Comments.Add(comment);
        services.Audit.Created(EntityType, comment.Id, services.Audit.Snapshot(input));
        var location = $"/api/v1/comments/{comment.Id}";
        var saved = await ResourceRequests.SaveAsync(services.Db, [], cancellationToken, beforeCommit: () =>
            post.Key?.Remember(services.Db, StatusCodes.Status201Created, location, ToResponse(comment), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, post.Key, services.Db, cancellationToken);
        }
        services.HttpContext.Response.SetETag(comment.Version);
        return TypedResults.Created(location, ToResponse(comment));
    }

    private static async Task<IResult> PatchAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var comment = await FindAsync(services, id, cancellationToken, tracked: true);
        if (comment is null)
        {
            return NotFound();
        }
        if (comment.CreatedBy != services.Caller.UserId)
        {
            return Forbidden("Only its author may edit a comment.");
        }
        var request = services.HttpContext.Request;
        if (ETags.PreconditionProblem(request, comment.Version) is { } precondition)
        {
            return precondition;
        }
        var before = new CommentEdit { Content = comment.Content, Mentions = [.. comment.Mentions] };
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var edit = CommentValidator.Validate(patched.Value!, errors);
        await Mentions.CheckMembersAsync(services, [(edit.Mentions, "")], errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        comment.Content = edit.Content!;
        comment.Mentions = [.. edit.Mentions];
        var audit = services.Audit;
        if (audit.Updated(EntityType, id, audit.Snapshot(before), audit.Snapshot(edit)))
        {
            comment.UpdatedBy = services.Caller.UserId;
            comment.UpdatedAt = services.Now;
            if (ETags.TryParseVersion(request, out var expected))
            {
                services.Db.Entry(comment).ExpectVersion(expected);
            }
            if (await ResourceRequests.SaveAsync(services.Db, [], cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        services.HttpContext.Response.SetETag(comment.Version);
        return TypedResults.Ok(ToResponse(comment));
    }

    private static async Task<IResult> DeleteAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        if (!caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var comment = await FindAsync(services, id, cancellationToken, tracked: true);
        if (comment is null)
        {
            return NotFound();
        }
        if (RefuseRemoval(caller, comment, "delete") is { } forbidden)
        {
            return forbidden;
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, comment.Version) is { } precondition)
        {
            return precondition;
        }
        var now = services.Now;
        comment.DeletedAt = now;
        comment.UpdatedBy = caller.UserId;
        comment.UpdatedAt = now;
        services.Audit.Deleted(EntityType, id, now);
        if (await ResourceRequests.SaveAsync(services.Db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RestoreAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        if (!caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var comment = await FindAsync(services, id, cancellationToken, tracked: true, deleted: true);
        if (comment is null)
        {
            return NotFound();
        }
        if (RefuseRemoval(caller, comment, "restore") is { } forbidden)
        {
            return forbidden;
        }
        services.Audit.Restored(EntityType, id, comment.DeletedAt!.Value);
        comment.DeletedAt = null;
        comment.UpdatedBy = caller.UserId;
        comment.UpdatedAt = services.Now;
        if (await ResourceRequests.SaveAsync(services.Db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        services.HttpContext.Response.SetETag(comment.Version);
        return TypedResults.Ok(ToResponse(comment));
    }

    /// <summary>Deleting and restoring a comment is for its author, an owner or an admin.</summary>
    private static IResult? RefuseRemoval(CallerAccess caller, Comment comment, string action) =>
        comment.CreatedBy == caller.UserId || caller.Role is MemberRole.Owner or MemberRole.Admin
            ? null
            : Forbidden($"Only its author, an owner or an admin may {action} a comment.");

    /// <summary>
    /// Adds or removes the caller's reaction. The row is locked while it changes, so members reacting at once all count
    /// (a read-modify-write of the jsonb without it would lose one of them). No If-Match: a reaction overwrites nothing.
    /// </summary>
    private static async Task<IResult> ReactAsync(Guid id, string reaction, bool add, ResourceServices services, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        if (!caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        if (!CommentValidator.IsReaction(reaction))
        {
            return ResourceRequests.Invalid("reaction", $"A reaction is 1 to {CommentValidator.MaxReactionLength} characters without spaces.");
        }
        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var comment = await db.Comments.FromSql($"SELECT *, xmin FROM comments WHERE id = {id} FOR UPDATE")
            .FirstOrDefaultAsync(c => c.DeletedAt == null, cancellationToken);
        if (comment is null || !await CommentTargets.IsVisibleAsync(services, comment.EntityType, comment.EntityId, cancellationToken))
        {
            return NotFound();
        }

        var reactions = JsonNode.Parse(comment.Reactions)!.AsObject();
        var before = reactions.DeepClone();
        var me = caller.UserId.ToString();
        var givers = reactions[reaction] as JsonArray;
        var mine = givers?.FirstOrDefault(g => g is JsonValue value && value.TryGetValue<string>(out var giver) && giver == me);
        if (add && mine is null)
        {
            if (givers is null)
            {
                if (reactions.Count >= CommentValidator.MaxReactions)
                {
                    return ResourceRequests.Invalid("reaction", $"A comment has at most {CommentValidator.MaxReactions} different reactions.");
                }
                reactions[reaction] = givers = new JsonArray();
            }
            givers.Add(me);
        }
        else if (!add && mine is not null)
        {
            givers!.Remove(mine);
            if (givers.Count == 0)
            {
                reactions.Remove(reaction);
            }
        }
        if (!JsonNode.DeepEquals(before, reactions))
        {
            comment.Reactions = reactions.ToJsonString();
            services.Audit.Updated(EntityType, id, new JsonObject { ["reactions"] = before }, new JsonObject { ["reactions"] = reactions.DeepClone() });
            if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(comment.Version);
        return TypedResults.Ok(ToResponse(comment));
    }

    /// <summary>
    /// The target must be live and seen by the caller (404-like: 400 on entityId, as for any id a body names), and a
    /// reply's parent a live comment on the same target.
    /// </summary>
    private static async Task CheckTargetAsync(
        ResourceServices services, CommentTarget type, Guid entityId, Guid? parentId, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        if (!await CommentTargets.IsVisibleAsync(services, type, entityId, cancellationToken))
        {
            errors["entityId"] = [$"No such {EnumNames.Of(type)}."];
            return;
        }
        if (parentId is { } parent && !await services.Db.Comments.AnyAsync(
                c => c.Id == parent && c.EntityType == type && c.EntityId == entityId && c.DeletedAt == null, cancellationToken))
        {
            errors["parentCommentId"] = [$"No such comment on this {EnumNames.Of(type)}."];
        }
    }

    /// <summary>A live (or, asked for, a deleted) comment whose record the caller sees, or null.</summary>
    private static async Task<Comment?> FindAsync(
        ResourceServices services, Guid id, CancellationToken cancellationToken, bool tracked = false, bool deleted = false)
    {
        var comments = tracked ? services.Db.Comments : services.Db.Comments.AsNoTracking();
        var comment = await comments.FirstOrDefaultAsync(c => c.Id == id && (c.DeletedAt != null) == deleted, cancellationToken);
        return comment is not null && await CommentTargets.IsVisibleAsync(services, comment.EntityType, comment.EntityId, cancellationToken)
            ? comment
            : null;
    }

    private static CommentResponse ToResponse(Comment c) => new(
        c.Id, c.EntityType, c.EntityId, c.ParentCommentId, c.Content, [.. c.Mentions],
        JsonSerializer.Deserialize<Dictionary<string, IReadOnlyList<Guid>>>(c.Reactions)!, c.CreatedBy, c.UpdatedBy, c.CreatedAt, c.UpdatedAt);

    private static IResult NotFound() => ResourceRequests.NotFound(EntityType);

    private static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);
}
