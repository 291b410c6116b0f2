using System.Security.Claims;
using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Infrastructure.Access;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Crm.Api.Features.Auth;

public static partial class AuthEndpoints
{
    /// <summary>
    /// Moves a signed-in user to another of their workspaces without their password: a new session there, answered as
    /// login answers, and the calling session ended so its tokens cannot be used alongside the new ones. The calling
    /// session must still be active and the account in good standing (as refresh checks: security stamp, not deleted,
    /// not locked out), since this mints a session as a login would.
    /// </summary>
    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> SwitchWorkspaceAsync(
        SwitchWorkspaceRequest request, ClaimsPrincipal principal, CrmDbContext db, SignInManager<CrmUser> signIn, TokenIssuer tokens,
        UserSessions sessions, CurrentMembership membership, SecurityEvents events, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.WorkspaceId, out var workspaceId) || workspaceId == Guid.Empty)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["workspaceId"] = ["Give the id of one of your workspaces (as login's workspaces list them)."],
            });
        }
        if (TokenIssuer.SessionOf(principal) is not { } sessionId || !await membership.IsSessionActiveAsync(db, sessionId, cancellationToken))
        {
            return Unauthorized(CurrentMembership.SessionEnded);
        }
        if (await signIn.ValidateSecurityStampAsync(principal) is not { DeletedAt: null } user ||
            !await signIn.CanSignInAsync(user) ||
            await signIn.UserManager.IsLockedOutAsync(user))
        {
            return Unauthorized("Your account cannot sign in at the moment. Sign in again.");
        }
        var from = db.Session.WorkspaceId;

        // A user-only session sees the user's own memberships and their workspaces, as at login.
        db.UseSession(new TenantSession(null, user.Id));
        var memberships = await ActiveMembershipsAsync(db, user.Id, workspaceId: null, cancellationToken);
        if (memberships.FirstOrDefault(m => m.Workspace.Id == workspaceId) is not { } chosen)
        {
            events.Add(SecurityEventType.PermissionDenied, SecuritySeverity.Warning, null, user.Id, user.Email,
                $"Workspace switch refused: not a member of workspace {workspaceId}.");
            await db.SaveChangesAsync(cancellationToken);
            return CallerAccess.Forbidden("You are not an active member of this workspace.");
        }

        db.UseSession(new TenantSession(workspaceId, user.Id));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Ending the calling session first makes two parallel switches (or a switch racing a logout) start one session
        // at most. Its reason is logout: leaving a workspace's session by switching is signing out of it.
        if (await sessions.RevokeAsync(s => s.Id == sessionId && s.UserId == user.Id, SessionRevokeReason.Logout, cancellationToken) == 0)
        {
            return Unauthorized(CurrentMembership.SessionEnded);
        }
        var session = sessions.Start(user.Id, workspaceId);
        events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, workspaceId, user.Id, user.Email,
            $"Signed in by switching from workspace {from} (session {sessionId} ended).");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var workspaces = memberships
            .Select(m => new WorkspaceMembershipSummary(m.Workspace.Id, m.Workspace.Name, m.Workspace.Slug, TokenIssuer.SnakeCase(m.Role)))
            .ToList();
        return TypedResults.Ok(await tokens.IssueAsync(user, chosen, session, workspaces));
    }
}
