using System.Net;
using Crm.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using StackExchange.Redis;

namespace Crm.Web.Auth;

/// <summary>
/// The signed-in user's API tokens for one circuit (or one server-rendered request): read from the
/// <see cref="SessionStore"/> under the cookie's session id, refreshed a minute before they expire or when the API
/// refuses one.
/// </summary>
public sealed class ApiSession(
    SessionStore store, IHttpContextAccessor httpContext, AuthenticationStateProvider authentication, IHttpClientFactory httpClients, TimeProvider clock, ILogger<ApiSession> logger)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private string? _sessionId;
    private ApiTokens? _tokens;

    /// <summary>The workspaces the user may switch to, as of their last sign-in.</summary>
    public async Task<ApiTokens> GetTokensAsync()
    {
        if (_tokens is null)
        {
            try
            {
                _tokens = await store.GetAsync(await SessionIdAsync()) ?? throw new SessionEndedException();
            }
            catch (RedisException exception)
            {
                logger.LogWarning(exception, "The web's session store (Redis) is unreachable");
                throw ApiException.Unreachable();
            }
        }
        return _tokens;
    }

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var tokens = await GetTokensAsync();
        return tokens.AccessTokenExpiresAt - clock.GetUtcNow() > RefreshMargin
            ? tokens.AccessToken
            : await RefreshAsync(tokens.AccessToken, cancellationToken);
    }

    /// <summary>
    /// New tokens in place of <paramref name="rejectedAccessToken"/>, unless another call (this circuit's, another
    /// tab's) has refreshed them already. Throws <see cref="SessionEndedException"/> when the API refuses the refresh.
    /// </summary>
    public async Task<string> RefreshAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var sessionId = await SessionIdAsync();
            // Not cancellable once started: a refresh abandoned after the API rotated the token would leave the old one
            // stored, and presenting that again makes the API revoke the whole session (a keystroke in the search box
            // cancels its request, and must not cost the user their session). The resilience timeout still applies.
            return await store.WithRefreshLockAsync(sessionId, () => ExchangeAsync(sessionId, rejectedAccessToken), CancellationToken.None);
        }
        catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException or TimeoutException
                                          or TaskCanceledException or RedisException)
        {
            logger.LogWarning(exception, "The tokens of a web session could not be refreshed");
            throw ApiException.Unreachable();
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task<string> ExchangeAsync(string sessionId, string rejectedAccessToken)
    {
        var stored = await store.GetAsync(sessionId) ?? throw new SessionEndedException();
        if (stored.AccessToken != rejectedAccessToken && stored.AccessTokenExpiresAt - clock.GetUtcNow() > RefreshMargin)
        {
            _tokens = stored;
            return stored.AccessToken;
        }

        using var response = await httpClients.CreateClient(ApiRegistration.AnonymousClient)
            .PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken = stored.RefreshToken });
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            logger.LogInformation("The API refused to refresh web session {SessionId}: it has ended", sessionId[..8]);
            await store.RemoveAsync(sessionId);
            throw new SessionEndedException();
        }
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiException.FromResponseAsync(response, CancellationToken.None);
        }
        var refreshed = (await response.Content.ReadFromJsonAsync<AuthTokenResponse>(ApiJson.Options))!.ToTokens(clock, stored.Workspaces);
        await store.SaveAsync(sessionId, refreshed);
        _tokens = refreshed;
        return refreshed.AccessToken;
    }

    /// <summary>Forgets the session (the API has ended it); the cookie is refused on the next request.</summary>
    public async Task EndAsync()
    {
        await store.RemoveAsync(await SessionIdAsync());
        _tokens = null;
    }

    private async Task<string> SessionIdAsync()
    {
        if (_sessionId is null)
        {
            // A plain HTTP request (a download, a form post) has its user at hand; a circuit has the user it started with.
            var user = httpContext.HttpContext?.User ?? (await authentication.GetAuthenticationStateAsync()).User;
            _sessionId = user.FindFirst(WebClaims.SessionId)?.Value ?? throw new SessionEndedException();
        }
        return _sessionId;
    }
}
