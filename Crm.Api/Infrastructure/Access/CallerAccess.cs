using System.Collections.Frozen;
using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Domain;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Access;

/// <summary>
/// What the caller may do with business records: the user from their token (<see cref="CrmClaims"/>), the role and
/// record scope from their current membership, checked per request (<see cref="CurrentMembership"/>), never from the
/// token's claims. The role decides whether they may write (a viewer may not), the record scope which rows they see
/// (all, their teams' or their own). Without a checked membership the caller gets the least: viewer, own.
/// </summary>
public sealed record CallerAccess(Guid UserId, MemberRole Role, RecordScope Scope)
{
    /// <summary>The roles that may change workspace configuration such as pipelines and products.</summary>
    public static readonly IReadOnlySet<MemberRole> ConfigurationManagers =
        FrozenSet.Create(MemberRole.Owner, MemberRole.Admin, MemberRole.Manager);

    public bool CanWrite => Role != MemberRole.Viewer;

    public static CallerAccess From(ClaimsPrincipal user)
    {
        var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
        return user is CurrentMemberPrincipal { Member: var member }
            ? new(userId, member.Role, member.Scope)
            : new(userId, MemberRole.Viewer, RecordScope.Own);
    }

    /// <summary>The 403 a viewer gets for a write.</summary>
    public static IResult ReadOnly() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden",
        detail: "Your role in this workspace may read records but not change them.");

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
                // Only live teams make teammates: a soft-deleted team no longer shares its members' records.
                var liveTeams = db.Teams.Where(t => t.DeletedAt == null).Select(t => t.Id);
                var myTeams = db.TeamMembers.Where(m => m.UserId == me && liveTeams.Contains(m.TeamId)).Select(m => m.TeamId);
                var teammates = db.TeamMembers.Where(m => myTeams.Contains(m.TeamId)).Select(m => (Guid?)m.UserId);
                return source.Where(e => e.OwnerId == me || teammates.Contains(e.OwnerId));
            default:
                return source.Where(e => e.OwnerId == me);
        }
    }
}
