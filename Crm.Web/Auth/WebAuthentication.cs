using Crm.ServiceDefaults.Clients;
using Crm.Web.Api;
using Crm.Web.Components.Layout;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crm.Web.Auth;

public static class WebAuthentication
{
    /// <summary>
    /// Cookie sign-in over the API's auth: the cookie names a server-side session (<see cref="SessionStore"/>, in
    /// Redis), which is checked on every request, so a session ended by the API (sign-out, revocation) signs the
    /// browser out too.
    /// </summary>
    public static IHostApplicationBuilder AddCrmWebAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddCrmRedis();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddDataProtection().SetApplicationName("crm-web");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new RedisXmlRepository(services.GetRequiredService<IConnectionMultiplexer>())));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ApiSession>();
        builder.Services.AddScoped<WebSignIn>();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "crm.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                // Always Secure outside development: in Azure Container Apps TLS ends at the ingress, so requests reach
                // the web as http and SameAsRequest would send the cookie without it.
                options.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                options.ExpireTimeSpan = SessionStore.Lifetime;
                options.SlidingExpiration = true;
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/";
                options.Events.OnValidatePrincipal = async context =>
                {
                    var sessionId = context.Principal?.FindFirst(WebClaims.SessionId)?.Value;
                    var store = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
                    if (sessionId is null || await store.GetAsync(sessionId) is null)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            });
        return builder;
    }

    /// <summary>Sign-out and workspace switch: POSTed forms (with antiforgery tokens) from the interactive layout.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var account = routes.MapGroup("/account").RequireAuthorization();

        // Both are forms posted with an antiforgery token; logout binds no form field, so it asks for the check itself.
        account.MapPost("/logout", async (HttpContext context, WebSignIn signIn, ApiSession session) =>
        {
            await signIn.SignOutAsync(context, session, context.RequestAborted);
            return TypedResults.LocalRedirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        account.MapPost("/switch", async (HttpContext context, WebSignIn signIn, ApiSession session, ILogger<WebSignIn> logger, [FromForm] Guid workspaceId) =>
        {
            try
            {
                await signIn.SwitchWorkspaceAsync(context, session, workspaceId, context.RequestAborted);
                return TypedResults.LocalRedirect("/");
            }
            catch (ApiException exception)
            {
                // A fixed notice, not the message: a link must not be able to put its own text on the page.
                logger.LogInformation("Switching to workspace {WorkspaceId} failed: {Status} {Title}", workspaceId, (int)exception.Status, exception.Title);
                return TypedResults.LocalRedirect($"/?notice={Notices.SwitchFailed}");
            }
            catch (SessionEndedException)
            {
                return TypedResults.LocalRedirect("/login");
            }
        });
        return routes;
    }
}
