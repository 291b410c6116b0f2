using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Api.Infrastructure.Tenancy;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Crm.Api.Infrastructure.Access;

/// <summary>The caller's membership as <c>workspace_members</c> has it now (not as their token had it when issued).</summary>
public sealed record CurrentMember(MemberRole Role, RecordScope Scope);

/// <summary>The token's principal, with the membership checked for this request; <see cref="CallerAccess"/> reads it.</summary>
internal sealed class CurrentMemberPrincipal(ClaimsPrincipal token, CurrentMember member) : ClaimsPrincipal(token)
{
    public CurrentMember Member { get; } = member;
}

/// <summary>
/// The per-request membership check of the resource and audit endpoints: the caller's current status, role and record
/// scope in the token's workspace, cached for <c>Auth:MembershipCacheDuration</c> (default 30 seconds; 0 disables the
/// cache) per workspace and user. A removed, suspended or invited member gets 403 and a <c>permission_denied</c>
/// security log; an active one reaches the handler with their current role and scope (<see cref="CallerAccess"/>).
/// </summary>
public sealed class CurrentMembership(IMemoryCache cache, IConfiguration configuration)
{
    public const string NotAMember = "You are no longer an active member of this workspace.";

    private readonly TimeSpan _duration = configuration.GetValue("Auth:MembershipCacheDuration", TimeSpan.FromSeconds(30));

    /// <summary>The caller's active membership, or null when they are not (or no longer) an active member.</summary>
    public async Task<CurrentMember?> FindAsync(CrmDbContext db, Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        var key = (typeof(CurrentMember), workspaceId, userId);
        if (_duration > TimeSpan.Zero && cache.TryGetValue(key, out CurrentMember? cached))
        {
            return cached;
        }
        // The request's tenant session (workspace, user) may read this row (policy workspace_isolation).
        var member = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Status == MemberStatus.Active)
            .Select(m => new CurrentMember(m.Role, m.RecordScope))
            .FirstOrDefaultAsync(cancellationToken);
        if (_duration > TimeSpan.Zero)
        {
            cache.Set(key, member, _duration);
        }
        return member;
    }

    /// <summary>
    /// The principal of work done for a member outside a request (an import job, run with its creator's access): what
    /// <see cref="CallerAccess.From"/> reads, for a membership the caller found active with <see cref="FindAsync"/>.
    /// </summary>
    public static ClaimsPrincipal PrincipalFor(Guid userId, CurrentMember member) => new CurrentMemberPrincipal(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], authenticationType: "job")), member);

    /// <summary>The endpoint filter: checks the membership, then runs the endpoint with it.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return await next(context); // RequireAuthorization answers 401 before this runs; nothing to check.
        }
        var session = TenantSessionAccessor.FromPrincipal(http.User);
        var services = http.RequestServices;
        var db = services.GetRequiredService<CrmDbContext>();
        var member = session is { WorkspaceId: { } workspaceId, UserId: { } userId }
            ? await services.GetRequiredService<CurrentMembership>().FindAsync(db, workspaceId, userId, http.RequestAborted)
            : null;
        if (member is null)
        {
            services.GetRequiredService<SecurityEvents>().Add(
                SecurityEventType.PermissionDenied, SecuritySeverity.Warning, session.WorkspaceId, session.UserId,
                http.User.FindFirstValue(ClaimTypes.Email), $"Request refused: not an active member ({http.Request.Method} {http.Request.Path}).");
            await db.SaveChangesAsync(http.RequestAborted);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: NotAMember);
        }
        http.User = new CurrentMemberPrincipal(http.User, member);
        return await next(context);
    }
}

public static class CurrentMembershipExtensions
{
    /// <summary>Checks the caller's current membership on every request of these endpoints (<see cref="CurrentMembership"/>).</summary>
    public static TBuilder RequireCurrentMembership<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(CurrentMembership.FilterAsync);
}
