using System.Security.Claims;
using System.Text.Json;
using Crm.Api.Features.Auth.Sessions;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Auth;

/// <summary>A refresh token's content: the user's principal, and the session and secret it refreshes.</summary>
public sealed record RefreshTicket(ClaimsPrincipal Principal, Guid SessionId, string Secret);

/// <summary>
/// Issues the bearer handler's data-protected access and refresh tokens, exactly as its SignInAsync would, but returns
/// them to the endpoint so they can be answered together with the workspace. The principal is Identity's (user id,
/// name, email, security stamp) plus <see cref="CrmClaims"/>, including the session the tokens belong to; the refresh
/// token also carries the session's current refresh secret (<see cref="UserSessions"/>).
/// </summary>
public sealed class TokenIssuer(
    IUserClaimsPrincipalFactory<CrmUser> principalFactory,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    TimeProvider clock)
{
    private const string RefreshSecretItem = "crm:refresh_secret";

    private BearerTokenOptions Options => bearerOptions.Get(AuthExtensions.Scheme);

    /// <summary>How long a refresh token, and so a session left unused, lives (<c>Auth:RefreshTokenLifetime</c>).</summary>
    public TimeSpan RefreshTokenLifetime => Options.RefreshTokenExpiration;

    internal async Task<AuthTokenResponse> IssueAsync(
        CrmUser user, ActiveMembership membership, IssuedSession session, IReadOnlyList<WorkspaceMembershipSummary>? workspaces = null)
    {
        var principal = await principalFactory.CreateAsync(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(CrmClaims.Workspace, membership.Workspace.Id.ToString()));
        identity.AddClaim(new Claim(CrmClaims.Role, SnakeCase(membership.Role)));
        identity.AddClaim(new Claim(CrmClaims.Scope, SnakeCase(membership.Scope)));
        identity.AddClaim(new Claim(CrmClaims.Session, session.Id.ToString()));

        var options = Options;
        var access = new AuthenticationTicket(
            principal,
            new AuthenticationProperties { ExpiresUtc = clock.GetUtcNow() + options.BearerTokenExpiration },
            $"{AuthExtensions.Scheme}:AccessToken");
        var refreshProperties = new AuthenticationProperties { ExpiresUtc = session.ExpiresAt };
        refreshProperties.Items[RefreshSecretItem] = session.RefreshSecret;
        var refresh = new AuthenticationTicket(principal, refreshProperties, $"{AuthExtensions.Scheme}:RefreshToken");

        return new AuthTokenResponse(
            "Bearer",
            options.BearerTokenProtector.Protect(access),
            (long)options.BearerTokenExpiration.TotalSeconds,
            options.RefreshTokenProtector.Protect(refresh),
            new WorkspaceSummary(membership.Workspace.Id, membership.Workspace.Name, membership.Workspace.Slug),
            workspaces);
    }

    /// <summary>The refresh token's content, or null when it is not one of ours, has expired or names no session.</summary>
    public RefreshTicket? ReadRefreshToken(string? refreshToken)
    {
        if (string.IsNullOrEmpty(refreshToken))
        {
            return null;
        }
        var ticket = Options.RefreshTokenProtector.Unprotect(refreshToken);
        return ticket?.Properties.ExpiresUtc is { } expiresUtc && clock.GetUtcNow() < expiresUtc &&
               SessionOf(ticket.Principal) is { } sessionId &&
               ticket.Properties.Items.TryGetValue(RefreshSecretItem, out var secret) && secret is not null
            ? new RefreshTicket(ticket.Principal, sessionId, secret)
            : null;
    }

    /// <summary>The session an access or refresh token belongs to (<see cref="CrmClaims.Session"/>).</summary>
    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(CrmClaims.Session), out var sessionId) ? sessionId : null;

    /// <summary>An enum value as the API and the database spell it ("SalesRep" → "sales_rep").</summary>
    public static string SnakeCase<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The enum value <see cref="SnakeCase{TEnum}"/> spells as <paramref name="text"/>.</summary>
    public static bool TryParseSnakeCase<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (SnakeCase(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
