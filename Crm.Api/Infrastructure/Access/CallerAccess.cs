using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Domain;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Access;

/// <summary>
/// What the caller may do: the user from their token (<see cref="CrmClaims"/>), the role and record scope from their
/// current membership, checked per request (<see cref="CurrentMembership"/>), never from the token's claims. The role
/// gives the <see cref="Permissions"/> (<see cref="Roles"/>), which an API key's scopes narrow; the record scope decides
/// which rows they see (all, their teams' or their own). Without a checked membership the caller gets nothing:
/// viewer, own, no permission. <c>ApiKeyId</c> is the API key the caller authenticated with (acting as <c>UserId</c>, its
/// creator), or null for a signed-in user.
/// </summary>
public sealed record CallerAccess(Guid UserId, MemberRole Role, RecordScope Scope, Permission Permissions, Guid? ApiKeyId = null)
{
    public bool CanWrite => Has(Permission.RecordsWrite);

    public bool Has(Permission permission) => (Permissions & permission) == permission;

    public static CallerAccess From(ClaimsPrincipal user)
    {
        var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        return user is CurrentMemberPrincipal { Access: var access }
            ? access
            : new(userId, MemberRole.Viewer, RecordScope.Own, Permission.None);
    }

    /// <summary>The 403 a viewer, or a read-only API key, gets for a write.</summary>
    public static IResult ReadOnly() => Forbidden("Your role in this workspace (or your API key's scope) lets you read records but not change them.");

    /// <summary>The 403 for a caller who lacks a permission.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>
    /// The rows of <paramref name="source"/> this caller sees: all of them, those owned by them or their teammates
    /// (scope team: members of a live team the caller is in), or only their own. Applied in the query, so a row outside the scope answers 404 like a missing one.
    /// </summary>
    public IQueryable<T> Visible<T>(IQueryable<T> source, CrmDbContext db)
        where T : class, IOwnedRecord
    {
        var me = UserId;
        switch (Scope)
        {
            case RecordScope.All:
                return source;
            case RecordScope.Team:
                var teammates = Teammates(db);
                return source.Where(e => e.OwnerId == me || teammates.Contains(e.OwnerId));
            default:
                return source.Where(e => e.OwnerId == me);
        }
    }

    /// <summary>
    /// The owners whose records this caller sees, for queries outside EF (search): null for scope "all", else
    /// themselves and, for scope "team", their teammates.
    /// </summary>
    public async Task<IReadOnlyList<Guid>?> VisibleOwnersAsync(CrmDbContext db, CancellationToken cancellationToken) => Scope switch
    {
        RecordScope.All => null,
        RecordScope.Team => [UserId, .. await Teammates(db).Where(id => id != null).Select(id => id!.Value).Distinct().ToListAsync(cancellationToken)],
        _ => [UserId],
    };

    /// <summary>The members of the live teams the caller is in: a soft-deleted team no longer shares its members' records.</summary>
    private IQueryable<Guid?> Teammates(CrmDbContext db)
    {
        var me = UserId;
        var liveTeams = db.Teams.Where(t => t.DeletedAt == null).Select(t => t.Id);
        var myTeams = db.TeamMembers.Where(m => m.UserId == me && liveTeams.Contains(m.TeamId)).Select(m => m.TeamId);
        return db.TeamMembers.Where(m => myTeams.Contains(m.TeamId)).Select(m => (Guid?)m.UserId);
    }
}
