using System.Security.Claims;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth.Sessions;

/// <summary>A sign-in session of the caller, as their session list shows it.</summary>
public sealed record SessionResponse(
    Guid Id, Guid WorkspaceId, bool Current, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt,
    string? IpAddress, string? UserAgent);

public sealed record RevokedSessionsResponse(int Revoked);

/// <summary>
/// <c>/api/v1/auth/sessions</c>: the caller's active sign-in sessions in every workspace (the one the token belongs to
/// marked <c>current</c>), and their revocation. Signed-in users only: an API key has no sessions.
/// </summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder auth)
    {
        var sessions = auth.MapGroup("/sessions").RequireAuthorization(AuthExtensions.SignedInUser).RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        sessions.MapGet("/", ListAsync)
            .WithName("ListSessions")
            .WithSummary("The caller's active sessions")
            .WithDescription("Every workspace's, most recently used first; the one this token belongs to has current: true.");

        sessions.MapDelete("/{id:guid}", RevokeAsync)
            .WithName("RevokeSession")
            .WithSummary("Revoke one of the caller's sessions")
            .WithDescription("Its refresh token stops at once, its access tokens within Auth:MembershipCacheDuration. Revoking the current one signs out.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapPost("/revoke-others", RevokeOthersAsync)
            .WithName("RevokeOtherSessions")
            .WithSummary("Sign out everywhere else")
            .WithDescription("Revokes every active session of the caller but the one this token belongs to, in every workspace.");
        return auth;
    }

    internal static async Task<Ok<ListPage<SessionResponse>>> ListAsync(
        ClaimsPrincipal principal, CrmDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(principal).UserId;
        var current = TokenIssuer.SessionOf(principal);
        var now = clock.GetUtcNow();
        // Across workspaces (policy own_sessions): the query filter would show only the token's workspace.
        var sessions = await db.UserSessions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.UserId == caller && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ListPage<SessionResponse>(
            sessions.Select(s => new SessionResponse(
                s.Id, s.WorkspaceId, s.Id == current, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.IpAddress?.ToString(), s.UserAgent)).ToList(),
            NextCursor: null, HasMore: false));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal principal, CrmDbContext db, UserSessions sessions, SecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(principal).UserId;
        var session = await db.UserSessions.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == id && s.UserId == caller, cancellationToken);
        if (session is null)
        {
            return ResourceRequests.NotFound("session of yours");
        }
        var reason = id == TokenIssuer.SessionOf(principal) ? SessionRevokeReason.Logout : SessionRevokeReason.Revoked;
        if (await sessions.RevokeAsync(s => s.Id == id, reason, cancellationToken) > 0)
        {
            events.Add(SecurityEventType.SessionRevoked, SecuritySeverity.Info, db.Session.WorkspaceId, caller,
                principal.FindFirstValue(ClaimTypes.Email), $"Session {id} (workspace {session.WorkspaceId}) revoked by its user.");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<RevokedSessionsResponse>> RevokeOthersAsync(
        ClaimsPrincipal principal, CrmDbContext db, UserSessions sessions, SecurityEvents events, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(principal).UserId;
        var current = TokenIssuer.SessionOf(principal);
        var revoked = await sessions.RevokeAsync(s => s.UserId == caller && s.Id != current, SessionRevokeReason.OtherSessionsRevoked, cancellationToken);
        if (revoked > 0)
        {
            events.Add(SecurityEventType.SessionRevoked, SecuritySeverity.Info, db.Session.WorkspaceId, caller,
                principal.FindFirstValue(ClaimTypes.Email), $"{revoked} other session(s) revoked by their user.");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(new RevokedSessionsResponse(revoked));
    }
}
