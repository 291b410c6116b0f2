using Crm.Api.Infrastructure.Access;
using Crm.Domain;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Members;

/// <summary>
/// Who may change whom (<see cref="Roles"/>): <see cref="Permission.MembersManage"/> (owner, admin) changes and removes
/// members; only <see cref="Permission.OwnersManage"/> (owner) makes owners or changes or removes one; and the last
/// active owner can never be demoted, suspended or removed.
/// </summary>
internal static class MemberRules
{
    public const string NotAllowed = "Only owners and admins manage members, and never with an API key.";

    /// <summary>
    /// Serialises the membership changes of the request's workspace for the rest of the transaction, so that two owners
    /// demoting each other at once cannot leave none. NO KEY UPDATE: inserts referencing the workspace are not blocked.
    /// </summary>
    public static async Task LockWorkspaceAsync(CrmDbContext db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM workspaces WHERE id = {db.Session.WorkspaceId} FOR NO KEY UPDATE", cancellationToken);

    /// <summary>
    /// Null when <paramref name="caller"/> may give <paramref name="member"/> the role and status <paramref name="after"/>
    /// (null: remove them); otherwise the 403 or 409 to answer. Run after <see cref="LockWorkspaceAsync"/>.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckChangeAsync(
        CrmDbContext db, CallerAccess caller, WorkspaceMember member, MemberInput? after, CancellationToken cancellationToken)
    {
        if ((member.Role == MemberRole.Owner || after?.Role == MemberRole.Owner) && !caller.Has(Permission.OwnersManage))
        {
            return CallerAccess.Forbidden("Only owners make members owners, or change or remove an owner.");
        }
        var isActiveOwner = member is { Role: MemberRole.Owner, Status: MemberStatus.Active };
        var staysActiveOwner = after is { Role: MemberRole.Owner, Status: MemberStatus.Active };
        if (isActiveOwner && !staysActiveOwner &&
            !await db.WorkspaceMembers.AnyAsync(m => m.UserId != member.UserId && m.Role == MemberRole.Owner && m.Status == MemberStatus.Active, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "Conflict.",
                detail: "This is the workspace's last owner: make another member owner first.");
        }
        return null;
    }
}
