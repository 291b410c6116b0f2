using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Api.Features.Auth.ApiKeys;
using Crm.Api.Infrastructure.Tenancy;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Crm.Api.Infrastructure.Access;

/// <summary>The caller's membership as <c>workspace_members</c> has it now (not as their token had it when issued).</summary>
public sealed record CurrentMember(MemberRole Role, RecordScope Scope);

/// <summary>The token's principal, with the access checked for this request; <see cref="CallerAccess.From"/> reads it.</summary>
internal sealed class CurrentMemberPrincipal(ClaimsPrincipal token, CallerAccess access) : ClaimsPrincipal(token)
{
    public CallerAccess Access { get; } = access;
}

/// <summary>
/// The per-request access check of every endpoint that acts in a workspace (<see cref="CurrentMembershipExtensions.RequireCurrentMembership"/>):
/// <list type="bullet">
/// <item>an access token's session must still be active (not signed out, revoked or expired), else 401;</item>
/// <item>the caller (an API key's creator, for a key) must still be an active member, else 403 and a
/// <c>permission_denied</c> security log;</item>
/// <item>the caller's permissions are their current role's (<see cref="Roles"/>), for a key also capped by the key's
/// role and narrowed to its scopes (<see cref="CallerAccess"/>). A key refused a permission (403) is logged too.</item>
/// </list>
/// Sessions and memberships are cached for <c>Auth:MembershipCacheDuration</c> (default 30 seconds; 0 disables the
/// cache); changes made through the API evict their entries (<see cref="Forget"/>, <see cref="ForgetSession"/>), so they
/// apply at once on this instance and within that duration on the others.
/// </summary>
public sealed class CurrentMembership(IMemoryCache cache, IConfiguration configuration, TimeProvider clock)
{
    public const string NotAMember = "You are no longer an active member of this workspace.";

    public const string SessionEnded = "This session has ended (signed out, revoked or expired). Sign in again.";

    /// <summary>How stale a session's <c>last_used_at</c> may get: written at most this often, not on every request.</summary>
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    private readonly TimeSpan _duration = configuration.GetValue("Auth:MembershipCacheDuration", TimeSpan.FromSeconds(30));

    /// <summary>The caller's active membership, or null when they are not (or no longer) an active member.</summary>
    public Task<CurrentMember?> FindAsync(CrmDbContext db, Guid workspaceId, Guid userId, CancellationToken cancellationToken) =>
        CachedAsync((typeof(CurrentMember), workspaceId, userId), () =>
            // The request's tenant session (workspace, user) may read this row (policy workspace_isolation).
            db.WorkspaceMembers.AsNoTracking()
                .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Status == MemberStatus.Active)
                .Select(m => new CurrentMember(m.Role, m.RecordScope))
                .FirstOrDefaultAsync(cancellationToken));

    /// <summary>Whether a sign-in session is active; notes its use (at most once a minute).</summary>
    public async Task<bool> IsSessionActiveAsync(CrmDbContext db, Guid sessionId, CancellationToken cancellationToken) =>
        await CachedAsync((typeof(SessionState), sessionId), async () =>
        {
            var now = clock.GetUtcNow();
            var session = await db.UserSessions.AsNoTracking().Where(s => s.Id == sessionId)
                .Select(s => new { s.RevokedAt, s.ExpiresAt, s.LastUsedAt }).FirstOrDefaultAsync(cancellationToken);
            if (session is null || session.RevokedAt is not null || session.ExpiresAt <= now)
            {
                return SessionState.Ended;
            }
            if (session.LastUsedAt < now - LastUsedPrecision)
            {
                await db.UserSessions.Where(s => s.Id == sessionId && s.LastUsedAt < now - LastUsedPrecision)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAt, now), cancellationToken);
            }
            return SessionState.Active;
        }) == SessionState.Active;

    /// <summary>Drops the cached membership of a member whose role, scope or status just changed.</summary>
    public void Forget(Guid workspaceId, Guid userId) => cache.Remove((typeof(CurrentMember), workspaceId, userId));

    /// <summary>Drops the cached state of a session just revoked.</summary>
    public void ForgetSession(Guid sessionId) => cache.Remove((typeof(SessionState), sessionId));

    private async Task<T> CachedAsync<T>(object key, Func<Task<T>> load)
    {
        if (_duration > TimeSpan.Zero && cache.TryGetValue(key, out T? cached))
        {
            return cached!;
        }
        var value = await load();
        if (_duration > TimeSpan.Zero)
        {
            cache.Set(key, value, _duration);
        }
        return value;
    }

    /// <summary>
    /// The principal of work done for a member outside a request (an import job, run with its creator's access): what
    /// <see cref="CallerAccess.From"/> reads, for a membership the caller found active with <see cref="FindAsync"/>.
    /// </summary>
    public static ClaimsPrincipal PrincipalFor(Guid userId, CurrentMember member) => new CurrentMemberPrincipal(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], authenticationType: "job")),
        new CallerAccess(userId, member.Role, member.Scope, Roles.PermissionsOf(member.Role)));

    /// <summary>The endpoint filter: checks the session and membership, then runs the endpoint with the caller's access.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return await next(context); // RequireAuthorization answers 401 before this runs; nothing to check.
        }
        var services = http.RequestServices;
        var db = services.GetRequiredService<CrmDbContext>();
        var membership = services.GetRequiredService<CurrentMembership>();
        var session = TenantSessionAccessor.FromPrincipal(http.User);
        var apiKey = ApiKeyPrincipal.Read(http.User);
        if (apiKey is null &&
            (TokenIssuer.SessionOf(http.User) is not { } sessionId || !await membership.IsSessionActiveAsync(db, sessionId, http.RequestAborted)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: SessionEnded);
        }

        var member = session is { WorkspaceId: { } workspaceId, UserId: { } userId }
            ? await membership.FindAsync(db, workspaceId, userId, http.RequestAborted)
            : null;
        if (member is null)
        {
            await LogDeniedAsync(http, db, session, apiKey, $"Request refused: not an active member ({http.Request.Method} {http.Request.Path}).");
            return CallerAccess.Forbidden(NotAMember);
        }

        var caller = session.UserId!.Value;
        http.User = new CurrentMemberPrincipal(http.User, apiKey is null
            ? new CallerAccess(caller, member.Role, member.Scope, Roles.PermissionsOf(member.Role))
            : WithApiKey(caller, member, apiKey));
        var result = await next(context);
        if (apiKey is not null && StatusOf(result) == StatusCodes.Status403Forbidden)
        {
            await LogDeniedAsync(http, db, session, apiKey, $"API key request refused ({http.Request.Method} {http.Request.Path}).");
        }
        return result;
    }

    /// <summary>A key acts as its creator with the lower of the key's and the creator's current role, narrowed to its scopes.</summary>
    private static CallerAccess WithApiKey(Guid creator, CurrentMember member, ApiKeyGrant key)
    {
        var role = Roles.Lower(key.Role, member.Role);
        return new CallerAccess(creator, role, member.Scope, Roles.PermissionsOf(role) & Roles.PermissionsOf(key.Scopes), key.KeyId);
    }

    /// <summary>The status an endpoint's result answers (looking inside <c>Results&lt;…&gt;</c> unions).</summary>
    private static int? StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };

    private static async Task LogDeniedAsync(HttpContext http, CrmDbContext db, TenantSession session, ApiKeyGrant? apiKey, string description)
    {
        http.RequestServices.GetRequiredService<SecurityEvents>().Add(
            SecurityEventType.PermissionDenied, SecuritySeverity.Warning, session.WorkspaceId, session.UserId,
            http.User.FindFirstValue(ClaimTypes.Email), apiKey is null ? description : $"{description} API key {apiKey.KeyId}.");
        await db.SaveChangesAsync(http.RequestAborted);
    }

    private enum SessionState
    {
        Active,
        Ended,
    }
}

public static class CurrentMembershipExtensions
{
    /// <summary>Checks the caller's session and current membership on every request of these endpoints (<see cref="CurrentMembership"/>).</summary>
    public static TBuilder RequireCurrentMembership<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(CurrentMembership.FilterAsync);
}
