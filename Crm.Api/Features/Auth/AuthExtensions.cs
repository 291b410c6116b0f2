using Crm.Api.Features.Auth.ApiKeys;
using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Features.Members;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.DataProtection;
using Crm.Api.Infrastructure.Tenancy;
using Crm.Domain;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;

namespace Crm.Api.Features.Auth;

public static class AuthExtensions
{
    /// <summary>The authentication scheme of the API's bearer tokens.</summary>
    public const string Scheme = "Bearer";

    /// <summary>The authentication scheme of API keys (<see cref="ApiKeyAuthenticationHandler"/>).</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The default scheme: an API key when the request presents one, a bearer token otherwise.</summary>
    private const string BearerOrApiKeyScheme = "BearerOrApiKey";

    /// <summary>
    /// The authorization policy of endpoints for signed-in users only (logout, me, sessions): an access token, never an
    /// API key. Every other authenticated endpoint takes both.
    /// </summary>
    public const string SignedInUser = "SignedInUser";

    /// <summary>
    /// Identity (users, password hashing, lockout, security stamps), data-protected bearer tokens (access
    /// <c>Auth:AccessTokenLifetime</c>, default 15 minutes; refresh <c>Auth:RefreshTokenLifetime</c>, default 14 days)
    /// tied to sign-in sessions, API keys, the Data Protection key ring in PostgreSQL, the per-request tenant session and
    /// access check (<c>Auth:MembershipCacheDuration</c>, default 30 seconds). Call after AddCrmDbContext.
    /// </summary>
    public static IHostApplicationBuilder AddCrmAuth(this IHostApplicationBuilder builder)
    {
        builder.AddCrmDataProtection();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<TenantSessionAccessor>();
        builder.Services.AddScoped<TokenIssuer>();
        builder.Services.AddScoped<UserSessions>();
        builder.Services.AddScoped<SecurityEvents>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<CurrentMembership>();

        builder.Services.AddAuthentication(BearerOrApiKeyScheme)
            .AddPolicyScheme(BearerOrApiKeyScheme, null, options =>
                options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Presents(context.Request) ? ApiKeyScheme : Scheme)
            .AddBearerToken(Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);
        builder.Services.AddOptions<BearerTokenOptions>(Scheme).Configure<IConfiguration>((options, configuration) =>
        {
            options.BearerTokenExpiration = configuration.GetValue("Auth:AccessTokenLifetime", TimeSpan.FromMinutes(15));
            options.RefreshTokenExpiration = configuration.GetValue("Auth:RefreshTokenLifetime", TimeSpan.FromDays(14));
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SignedInUser, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());

        // Identity's defaults (password rules; lockout after 5 failures for 5 minutes), one account per email.
        builder.Services.AddIdentityCore<CrmUser>(options => options.User.RequireUniqueEmail = true)
            .AddEntityFrameworkStores<CrmDbContext>()
            .AddSignInManager();
        return builder;
    }

    /// <summary>
    /// Authentication and authorization middleware, then the identity and access endpoints: auth and sessions, API
    /// keys, members and invitations, roles. Call after UseProblemDetailsErrors, so a bodiless 401/403 challenge gets its
    /// problem details body.
    /// </summary>
    public static WebApplication UseCrmAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAuthEndpoints();
        app.MapApiKeyEndpoints();
        app.MapMemberEndpoints();
        app.MapRoleEndpoints();
        return app;
    }
}
