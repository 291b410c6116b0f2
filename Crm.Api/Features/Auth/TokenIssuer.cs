using System.Security.Claims;
using System.Text.Json;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Auth;

/// <summary>
/// Issues the bearer handler's data-protected access and refresh tokens, exactly as its SignInAsync would, but returns
/// them to the endpoint so they can be answered together with the workspace. The principal is Identity's (user id,
/// name, email, security stamp) plus <see cref="CrmClaims"/>.
/// </summary>
public sealed class TokenIssuer(
    IUserClaimsPrincipalFactory<CrmUser> principalFactory,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    TimeProvider clock)
{
    private BearerTokenOptions Options => bearerOptions.Get(AuthExtensions.Scheme);

    internal async Task<AuthTokenResponse> IssueAsync(
        CrmUser user, ActiveMembership membership, IReadOnlyList<WorkspaceMembershipSummary>? workspaces = null)
    {
        var principal = await principalFactory.CreateAsync(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(CrmClaims.Workspace, membership.Workspace.Id.ToString()));
        identity.AddClaim(new Claim(CrmClaims.Role, SnakeCase(membership.Role)));
        identity.AddClaim(new Claim(CrmClaims.Scope, SnakeCase(membership.Scope)));

        var options = Options;
        var now = clock.GetUtcNow();
        var access = new AuthenticationTicket(
            principal,
            new AuthenticationProperties { ExpiresUtc = now + options.BearerTokenExpiration },
            $"{AuthExtensions.Scheme}:AccessToken");
        var refresh = new AuthenticationTicket(
            principal,
            new AuthenticationProperties { ExpiresUtc = now + options.RefreshTokenExpiration },
            $"{AuthExtensions.Scheme}:RefreshToken");

        return new AuthTokenResponse(
            "Bearer",
            options.BearerTokenProtector.Protect(access),
            (long)options.BearerTokenExpiration.TotalSeconds,
            options.RefreshTokenProtector.Protect(refresh),
            new WorkspaceSummary(membership.Workspace.Id, membership.Workspace.Name, membership.Workspace.Slug),
            workspaces);
    }

    /// <summary>The refresh token's ticket, or null when it is not one of ours or has expired.</summary>
    public AuthenticationTicket? ReadRefreshToken(string? refreshToken)
    {
        if (string.IsNullOrEmpty(refreshToken))
        {
            return null;
        }
        var ticket = Options.RefreshTokenProtector.Unprotect(refreshToken);
        return ticket?.Properties.ExpiresUtc is { } expiresUtc && clock.GetUtcNow() < expiresUtc ? ticket : null;
    }

    /// <summary>An enum value as the API and the database spell it ("SalesRep" → "sales_rep").</summary>
    public static string SnakeCase<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
