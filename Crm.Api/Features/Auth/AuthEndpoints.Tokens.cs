using System.Security.Claims;
using Crm.Api.Features.Auth.Sessions;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth;

public static partial class AuthEndpoints
{
    private const string RefreshRefused = "The refresh token is invalid, expired or revoked. Sign in again.";

    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, CrmDbContext db, SignInManager<CrmUser> signIn, TokenIssuer tokens, UserSessions sessions,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["refreshToken"] = ["Give the refreshToken from the last sign-in or refresh."],
            });
        }
        // As MapIdentityApi's /refresh: an expired or foreign token, or a changed security stamp, is refused.
        var ticket = tokens.ReadRefreshToken(request.RefreshToken);
        if (ticket is null ||
            await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { DeletedAt: null } user ||
            await signIn.UserManager.IsLockedOutAsync(user) ||
            !Guid.TryParse(ticket.Principal.FindFirstValue(CrmClaims.Workspace), out var workspaceId))
        {
            return Unauthorized(RefreshRefused);
        }

        // The role and scope may have changed since the last sign-in: read them again, and refuse if the member left.
        db.UseSession(new TenantSession(workspaceId, user.Id));
        var membership = (await ActiveMembershipsAsync(db, user.Id, workspaceId, cancellationToken)).SingleOrDefault();
        if (membership is null)
        {
            return Unauthorized("You are no longer an active member of this workspace. Sign in again.");
        }
        var (outcome, session) = await sessions.RotateAsync(ticket, user.Email, cancellationToken);
        return outcome switch
        {
            RefreshOutcome.Rotated => TypedResults.Ok(await tokens.IssueAsync(user, membership, session!)),
            RefreshOutcome.Reused => Unauthorized("This refresh token had already been exchanged, so the session was revoked for safety. Sign in again."),
            _ => Unauthorized(RefreshRefused),
        };
    }

    /// <summary>Idempotent: signing out of a session already ended answers 204 too.</summary>
    internal static async Task<NoContent> LogoutAsync(
        ClaimsPrincipal principal, CrmDbContext db, UserSessions sessions, SecurityEvents events, CancellationToken cancellationToken)
    {
        if (TokenIssuer.SessionOf(principal) is { } sessionId &&
            await sessions.RevokeAsync(s => s.Id == sessionId, SessionRevokeReason.Logout, cancellationToken) > 0)
        {
            events.Add(SecurityEventType.Logout, SecuritySeverity.Info, db.Session.WorkspaceId, db.Session.UserId,
                principal.FindFirstValue(ClaimTypes.Email), "Signed out; the session is revoked.");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        if (db.Session is not { WorkspaceId: not null, UserId: { } userId })
        {
            return Unauthorized("The token does not name a workspace.");
        }

        // Through the session: the query filter (and row-level security) show this workspace and its members only.
        var workspace = await db.Workspaces.AsNoTracking().Where(w => w.DeletedAt == null).SingleOrDefaultAsync(cancellationToken);
        var member = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => m.UserId == userId && m.Status == MemberStatus.Active)
            .Select(m => new { m.Role, m.RecordScope, m.User!.Email, m.User.FirstName, m.User.LastName })
            .SingleOrDefaultAsync(cancellationToken);
        if (workspace is null || member is null)
        {
            return TypedResults.Problem("You are no longer an active member of this workspace.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }
        return TypedResults.Ok(new MeResponse(
            userId, member.Email ?? "", member.FirstName, member.LastName,
            new WorkspaceSummary(workspace.Id, workspace.Name, workspace.Slug),
            TokenIssuer.SnakeCase(member.Role), TokenIssuer.SnakeCase(member.RecordScope)));
    }

}
