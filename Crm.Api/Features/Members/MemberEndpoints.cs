using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Members;

/// <summary>
/// <c>/api/v1/members</c>: the workspace's members (any member may list them), and changing (merge patch with If-Match)
/// or removing one (<see cref="MemberRules"/>). Members are addressed by user id. Every change writes an audit row
/// (entity type <c>member</c>) and a security log in its transaction, and applies to the member's next request
/// (<see cref="CurrentMembership"/>). Invitations: <see cref="InvitationEndpoints"/>.
/// </summary>
public static class MemberEndpoints
{
    public const string EntityType = "member";

    private static readonly ListingSchema<WorkspaceMember> Listing = new ListingSchema<WorkspaceMember>("members", m => m.Id)
        .Field("email", m => m.User!.Email, sortable: true, filterable: true, searchable: true)
        .Field("firstName", m => m.User!.FirstName, sortable: true, filterable: true, searchable: true)
        .Field("lastName", m => m.User!.LastName, sortable: true, filterable: true, searchable: true)
        .Field("userId", m => m.UserId, filterable: true)
        .Field("role", m => m.Role, filterable: true)
        .Field("recordScope", m => m.RecordScope, filterable: true)
        .Field("status", m => m.Status, filterable: true)
        .Field("createdAt", m => m.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("createdAt");

    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder routes)
    {
        var members = routes.MapGroup("/api/v1/members").WithTags("Members").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        members.MapGet("/", ListAsync)
            .WithName("ListMembers")
            .WithSummary("List the workspace's members")
            .WithDescription("Cursor-paged; sort, filter[field][op] and q over email and names (docs/api.md, \"Lists\").")
            .ProducesValidationProblem();

        members.MapGet("/{userId:guid}", GetAsync)
            .WithName("GetMember")
            .WithSummary("Get a member")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapPatch("/{userId:guid}", PatchAsync)
            .WithName("PatchMember")
            .WithSummary("Change a member's role, record scope or status (JSON merge patch)")
            .WithDescription("Owners and admins; only owners make or change owners; the last owner cannot be demoted or suspended (409). Requires If-Match.")
            .Accepts<MemberInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<MemberResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        members.MapDelete("/{userId:guid}", RemoveAsync)
            .WithName("RemoveMember")
            .WithSummary("Remove a member from the workspace")
            .WithDescription("Owners and admins; only owners remove owners, never the last one (409). Ends the member's sessions and API keys in this workspace. Requires If-Match.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        members.MapInvitationEndpoints();
        return routes;
    }

    internal static async Task<Results<Ok<ListPage<MemberResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ListQuery query, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!CallerAccess.From(httpContext.User).Has(Permission.MembersRead))
        {
            return CallerAccess.Forbidden("Your access does not include the member list.");
        }
        var page = await db.WorkspaceMembers.AsNoTracking().Include(m => m.User)
            .ToListResultAsync(Listing, query, MemberResponse.From, cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<MemberResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    internal static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> GetAsync(
        Guid userId, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!CallerAccess.From(httpContext.User).Has(Permission.MembersRead))
        {
            return CallerAccess.Forbidden("Your access does not include the member list.");
        }
        var member = await db.WorkspaceMembers.AsNoTracking().Include(m => m.User).FirstOrDefaultAsync(m => m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return ResourceRequests.NotFound(EntityType);
        }
        httpContext.Response.SetETag(member.Version);
        return TypedResults.Ok(MemberResponse.From(member));
    }

    internal static async Task<IResult> PatchAsync(
        Guid userId, CrmDbContext db, HttpContext httpContext, SecurityEvents events, CurrentMembership membership, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.MembersManage))
        {
            return CallerAccess.Forbidden(MemberRules.NotAllowed);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await MemberRules.LockWorkspaceAsync(db, cancellationToken);
        var member = await db.WorkspaceMembers.Include(m => m.User).FirstOrDefaultAsync(m => m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return ResourceRequests.NotFound(EntityType);
        }
        if (ETags.PreconditionProblem(httpContext.Request, member.Version) is { } precondition)
        {
            return precondition;
        }
        var before = MemberInput.From(member);
        var patched = await MergePatchRequest.ReadAsync(httpContext.Request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var after = patched.Value!;
        if (after.Status == MemberStatus.Invited && before.Status != MemberStatus.Invited)
        {
            return ResourceRequests.Invalid("status", "A member's status can be set to active or suspended.");
        }
        if (await MemberRules.CheckChangeAsync(db, caller, member, after, cancellationToken) is { } refused)
        {
            return refused;
        }

        var audit = AuditTrail.For(httpContext, db);
        if (audit.Updated(EntityType, userId, audit.Snapshot(before), audit.Snapshot(after)))
        {
            (member.Role, member.RecordScope, member.Status) = (after.Role, after.RecordScope, after.Status);
            member.UpdatedAt = clock.GetUtcNow();
            events.Add(SecurityEventType.MemberUpdated, SecuritySeverity.Info, db.Session.WorkspaceId, caller.UserId,
                httpContext.User.FindFirstValue(ClaimTypes.Email),
                $"Member {member.User?.Email ?? userId.ToString()} changed: {Describe(before)} → {Describe(after)}.");
            if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
            {
                return failed.Result;
            }
            await transaction.CommitAsync(cancellationToken);
            membership.Forget(member.WorkspaceId, userId);
        }
        httpContext.Response.SetETag(member.Version);
        return TypedResults.Ok(MemberResponse.From(member));
    }

    internal static async Task<IResult> RemoveAsync(
        Guid userId, CrmDbContext db, HttpContext httpContext, SecurityEvents events, CurrentMembership membership, UserSessions sessions,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.MembersManage))
        {
            return CallerAccess.Forbidden(MemberRules.NotAllowed);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await MemberRules.LockWorkspaceAsync(db, cancellationToken);
        var member = await db.WorkspaceMembers.Include(m => m.User).FirstOrDefaultAsync(m => m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return ResourceRequests.NotFound(EntityType);
        }
        if (ETags.PreconditionProblem(httpContext.Request, member.Version) is { } precondition)
        {
            return precondition;
        }
        if (await MemberRules.CheckChangeAsync(db, caller, member, after: null, cancellationToken) is { } refused)
        {
            return refused;
        }

        var workspaceId = member.WorkspaceId;
        var now = clock.GetUtcNow();
        var audit = AuditTrail.For(httpContext, db);
        audit.Record(AuditAction.Deleted, EntityType, userId, audit.Snapshot(MemberInput.From(member)), null);
        events.Add(SecurityEventType.MemberRemoved, SecuritySeverity.Info, workspaceId, caller.UserId,
            httpContext.User.FindFirstValue(ClaimTypes.Email), $"Member {member.User?.Email ?? userId.ToString()} ({Describe(MemberInput.From(member))}) removed.");
        db.WorkspaceMembers.Remove(member);
        // What they could still present here stops working: their sessions, and the API keys they created.
        await sessions.RevokeAsync(s => s.WorkspaceId == workspaceId && s.UserId == userId, SessionRevokeReason.MemberRemoved, cancellationToken);
        await db.ApiKeys.Where(k => k.CreatedBy == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now).SetProperty(k => k.RevokedBy, caller.UserId), cancellationToken);
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        membership.Forget(workspaceId, userId);
        return TypedResults.NoContent();
    }

    private static string Describe(MemberInput m) =>
        $"{TokenIssuer.SnakeCase(m.Role)}, scope {TokenIssuer.SnakeCase(m.RecordScope)}, {TokenIssuer.SnakeCase(m.Status)}";
}
