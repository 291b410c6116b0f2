using System.Net.Http.Headers;
using System.Security.Cryptography;
using Crm.ServiceDefaults.Resilience;
using Crm.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Crm.Web.Auth;

/// <summary>
/// Signs a browser in through the API's own auth (login, register, switch) and out again: the API's tokens go to
/// the <see cref="SessionStore"/>, the browser gets a cookie with a random session id and the user's name and role.
/// Runs in HTTP requests only (server-rendered forms and endpoints), as a cookie cannot be set over a circuit.
/// </summary>
public sealed class WebSignIn(IHttpClientFactory httpClients, SessionStore store, TimeProvider clock, ILogger<WebSignIn> logger)
{
    public Task LoginAsync(HttpContext context, string email, string password, CancellationToken cancellationToken) =>
        SignInAsync(context, "api/v1/auth/login", new { email, password }, knownWorkspaces: null, cancellationToken);

    public Task RegisterAsync(HttpContext context, object registration, CancellationToken cancellationToken) =>
        SignInAsync(context, "api/v1/auth/register", registration, knownWorkspaces: null, cancellationToken);

    /// <summary>Moves the signed-in user to another of their workspaces: a new API session there, the old one ended.</summary>
    public async Task SwitchWorkspaceAsync(HttpContext context, ApiSession session, Guid workspaceId, CancellationToken cancellationToken)
    {
        var tokens = await session.GetTokensAsync();
        await SignInAsync(context, "api/v1/auth/switch", new { workspaceId }, tokens.Workspaces, cancellationToken,
            await session.GetAccessTokenAsync(cancellationToken));
        await RemoveSessionAsync(context);
    }

    /// <summary>
    /// Accepts an invitation: anonymously (creates the account with the password given) or, when
    /// <paramref name="session"/> is given, with the signed-in account; either way the browser is then signed in to
    /// the workspace it joined.
    /// </summary>
    public async Task AcceptInvitationAsync(HttpContext context, object acceptance, ApiSession? session, CancellationToken cancellationToken)
    {
        var accessToken = session is null ? null : await session.GetAccessTokenAsync(cancellationToken);
        var knownWorkspaces = session is null ? null : (await session.GetTokensAsync()).Workspaces;
        await SignInAsync(context, "api/v1/auth/invitations/accept", acceptance, knownWorkspaces, cancellationToken, accessToken);
        if (session is not null)
        {
            await RemoveSessionAsync(context);
        }
    }

    public async Task SignOutAsync(HttpContext context, ApiSession session, CancellationToken cancellationToken)
    {
        try
        {
            // Ends the API session too, so its refresh token is worthless even if it leaked.
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/logout");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await session.GetAccessTokenAsync(cancellationToken));
            using var response = await httpClients.CreateClient(ApiRegistration.AnonymousClient).SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is SessionEndedException or ApiException or HttpRequestException or Polly.ExecutionRejectedException)
        {
            logger.LogInformation(exception, "Signing out of the API failed; the web session is removed anyway");
        }
        await RemoveSessionAsync(context);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private async Task RemoveSessionAsync(HttpContext context)
    {
        if (context.User.FindFirst(WebClaims.SessionId)?.Value is { } sessionId)
        {
            await store.RemoveAsync(sessionId);
        }
    }

    /// <summary>Throws <see cref="ApiException"/> with the API's problem (wrong password, taken email, ...) for the form to show.</summary>
    private async Task SignInAsync(
        HttpContext context, string path, object body, IReadOnlyList<WorkspaceChoice>? knownWorkspaces, CancellationToken cancellationToken,
        string? accessToken = null)
    {
        var http = httpClients.CreateClient(ApiRegistration.AnonymousClient);
        ApiTokens tokens;
        CurrentUser me;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ApiJson.Options) };
            if (accessToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }
            // Sign-in's answer must not be replayed by a retry (a second login is a second session).
            using var response = await http.SendAsync(request.WithoutRetries(), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiException.FromResponseAsync(response, cancellationToken);
            }
            tokens = (await response.Content.ReadFromJsonAsync<AuthTokenResponse>(ApiJson.Options, cancellationToken))!.ToTokens(clock, knownWorkspaces);

            using var meRequest = new HttpRequestMessage(HttpMethod.Get, "api/v1/auth/me");
            meRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
            using var meResponse = await http.SendAsync(meRequest, cancellationToken);
            if (!meResponse.IsSuccessStatusCode)
            {
                throw await ApiException.FromResponseAsync(meResponse, cancellationToken);
            }
            me = (await meResponse.Content.ReadFromJsonAsync<CurrentUser>(ApiJson.Options, cancellationToken))!;
        }
        catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException or TaskCanceledException)
        {
            logger.LogWarning(exception, "The API could not be reached to sign in");
            throw ApiException.Unreachable();
        }
        if (me.Workspace is { } workspace && !tokens.Workspaces.Any(w => w.Id == workspace.Id))
        {
            // Register and accepting an invitation answer no list of workspaces: the one just joined adds to those known.
            tokens = tokens with
            {
                Workspaces = [.. tokens.Workspaces.Append(workspace with { Role = me.Role }).OrderBy(w => w.Name, StringComparer.CurrentCultureIgnoreCase)],
            };
        }

        var sessionId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        await store.SaveAsync(sessionId, tokens);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebClaims.Create(sessionId, me),
            new AuthenticationProperties { IsPersistent = true });
        logger.LogInformation("User {UserId} signed in to workspace {WorkspaceId}", me.UserId, tokens.WorkspaceId);
    }
}
