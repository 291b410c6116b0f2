using System.Security.Claims;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Auth.ApiKeys;

/// <summary>What an authenticated API key grants: who it acts as is the principal's user (its creator).</summary>
public sealed record ApiKeyGrant(Guid KeyId, MemberRole Role, IReadOnlyList<ApiKeyScope> Scopes);

/// <summary>
/// The principal of a request authenticated with an API key: its creator's user id and the key's workspace (so the
/// tenant session and <see cref="Infrastructure.Access.CurrentMembership"/> work as for a signed-in user), plus the key.
/// </summary>
internal static class ApiKeyPrincipal
{
    private const string KeyClaim = "crm:api_key";
    private const string RoleClaim = "crm:api_key_role";
    private const string ScopeClaim = "crm:api_key_scope";

    public static ClaimsPrincipal Create(ApiKey key, string authenticationType)
    {
        var identity = new ClaimsIdentity(authenticationType);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, key.CreatedBy.ToString()));
        identity.AddClaim(new Claim(CrmClaims.Workspace, key.WorkspaceId.ToString()));
        identity.AddClaim(new Claim(KeyClaim, key.Id.ToString()));
        identity.AddClaim(new Claim(RoleClaim, TokenIssuer.SnakeCase(key.Role)));
        foreach (var scope in key.Scopes)
        {
            identity.AddClaim(new Claim(ScopeClaim, TokenIssuer.SnakeCase(scope)));
        }
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The key of a principal made by <see cref="Create"/>; null for any other (a signed-in user's).</summary>
    public static ApiKeyGrant? Read(ClaimsPrincipal principal)
    {
        if (principal.Identity?.AuthenticationType != AuthExtensions.ApiKeyScheme ||
            !Guid.TryParse(principal.FindFirstValue(KeyClaim), out var keyId) ||
            !TokenIssuer.TryParseSnakeCase<MemberRole>(principal.FindFirstValue(RoleClaim), out var role))
        {
            return null;
        }
        var scopes = principal.FindAll(ScopeClaim)
            .Select(c => TokenIssuer.TryParseSnakeCase<ApiKeyScope>(c.Value, out var scope) ? scope : (ApiKeyScope?)null)
            .OfType<ApiKeyScope>().ToList();
        return new ApiKeyGrant(keyId, role, scopes);
    }
}
