using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.Domain;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Tenancy;

/// <summary>
/// Whom the current request acts for: the workspace and user of the caller's access token (<see cref="CrmClaims"/>),
/// or <see cref="TenantSession.None"/> for an anonymous request (or a token without a workspace).
/// </summary>
public sealed class TenantSessionAccessor(IHttpContextAccessor httpContextAccessor)
{
    public TenantSession Current => FromPrincipal(httpContextAccessor.HttpContext?.User);

    public static TenantSession FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true ||
            !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId) ||
            !Guid.TryParse(principal.FindFirstValue(CrmClaims.Workspace), out var workspaceId))
        {
            return TenantSession.None;
        }
        return new TenantSession(workspaceId, userId);
    }

    /// <summary>
    /// The <c>onRent</c> hook of <c>AddCrmDbContext</c>: each request's <see cref="CrmDbContext"/> acts for the caller
    /// (query filters and row-level security). The context must be resolved after authentication ran (in endpoints).
    /// </summary>
    public static void ApplyTo(IServiceProvider services, CrmDbContext db) =>
        db.UseSession(services.GetRequiredService<TenantSessionAccessor>().Current);
}
