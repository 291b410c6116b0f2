using System.Net;
using System.Text.Json;
using Crm.Api.Features.Auth;
using Crm.Api.Infrastructure.Access;

namespace Crm.Api.Tests.Auth;

/// <summary>Sign-in sessions: refresh token rotation and reuse detection, revocation, and the caller's session list.</summary>
public sealed class SessionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Register_and_login_each_start_a_session_with_the_callers_ip_and_user_agent()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        owner.Client.DefaultRequestHeaders.UserAgent.ParseAdd("SessionTests/1.0");
        await owner.LoginAgainAsync();

        Assert.Equal(2L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM user_sessions WHERE user_id = $1 AND workspace_id = $2 AND revoked_at IS NULL", owner.UserId, owner.WorkspaceId));
        Assert.Equal("SessionTests/1.0", await SignedIn.ScalarAsync<string>(factory,
            "SELECT user_agent FROM user_sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1", owner.UserId));
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_the_new_one_works()
    {
        var owner = await SignedIn.RegisterAsync(factory);

        using var first = await AuthApi.PostRefreshAsync(owner.Client, owner.Tokens.RefreshToken);
        var rotated = await SignedIn.ReadAsync<AuthTokenResponse>(first);
        using var second = await AuthApi.PostRefreshAsync(owner.Client, rotated.RefreshToken);
        var again = await SignedIn.ReadAsync<AuthTokenResponse>(second);

        Assert.NotEqual(owner.Tokens.RefreshToken, rotated.RefreshToken);
        Assert.Equal(owner.WorkspaceId, (await AuthApi.MeAsync(owner.Client, again.AccessToken)).Workspace.Id);
        Assert.Equal(2, await SignedIn.ScalarAsync<int>(factory, "SELECT refresh_count FROM user_sessions WHERE user_id = $1", owner.UserId));
    }

    [Fact]
    public async Task A_refresh_token_presented_again_after_rotation_revokes_the_whole_session_and_is_logged()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        using var legitimate = await AuthApi.PostRefreshAsync(owner.Client, owner.Tokens.RefreshToken);
        var rotated = await SignedIn.ReadAsync<AuthTokenResponse>(legitimate);

        using var stolen = await AuthApi.PostRefreshAsync(owner.Client, owner.Tokens.RefreshToken);

        await AuthApi.AssertProblemAsync(stolen, HttpStatusCode.Unauthorized);
        // The whole family dies: the rotated refresh token and the access tokens of the session.
        using (var next = await AuthApi.PostRefreshAsync(owner.Client, rotated.RefreshToken))
        {
            await AuthApi.AssertProblemAsync(next, HttpStatusCode.Unauthorized);
        }
        using (var me = await AuthApi.GetMeAsync(owner.Client, rotated.AccessToken))
        {
            var problem = await AuthApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
            Assert.Equal(CurrentMembership.SessionEnded, problem.GetProperty("detail").GetString());
        }
        Assert.Equal("refresh_token_reused", await SignedIn.ScalarAsync<string>(factory,
            "SELECT revoked_reason FROM user_sessions WHERE user_id = $1", owner.UserId));
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE user_id = $1 AND workspace_id = $2 AND event_type = 'suspicious_activity' AND severity = 'critical'",
            owner.UserId, owner.WorkspaceId));
    }

    [Fact]
    public async Task A_reused_refresh_token_of_one_session_leaves_the_users_other_sessions_alone()
    {
        var phone = await SignedIn.RegisterAsync(factory);
        var laptop = await phone.LoginAgainAsync();
        using (var rotate = await AuthApi.PostRefreshAsync(phone.Client, phone.Tokens.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        }
        using (var reuse = await AuthApi.PostRefreshAsync(phone.Client, phone.Tokens.RefreshToken))
        {
            await AuthApi.AssertProblemAsync(reuse, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(phone.UserId, (await AuthApi.MeAsync(laptop.Client, laptop.AccessToken)).UserId);
        using var refresh = await AuthApi.PostRefreshAsync(laptop.Client, laptop.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_session_so_its_access_token_stops_working_on_every_endpoint()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var other = await owner.LoginAgainAsync();
        Assert.Empty(await owner.Companies.ListNamesAsync());

        using (var logout = await AuthApi.PostLogoutAsync(owner.Client, owner.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var companies = await owner.Companies.SendAsync(HttpMethod.Get, "/"))
        {
            await AuthApi.AssertProblemAsync(companies, HttpStatusCode.Unauthorized);
        }
        using (var me = await AuthApi.GetMeAsync(owner.Client, owner.AccessToken))
        {
            await AuthApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        using (var sessions = await owner.SendAsync(HttpMethod.Get, "/api/v1/auth/sessions"))
        {
            await AuthApi.AssertProblemAsync(sessions, HttpStatusCode.Unauthorized);
        }
        using (var refresh = await AuthApi.PostRefreshAsync(owner.Client, owner.Tokens.RefreshToken))
        {
            await AuthApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
        // Logging out again is harmless; the user's other session is untouched.
        using (var again = await AuthApi.PostLogoutAsync(owner.Client, owner.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }
        Assert.Empty(await other.Companies.ListNamesAsync());
    }

    [Fact]
    public async Task The_session_list_shows_only_the_callers_sessions_with_the_current_one_marked()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var second = await owner.LoginAgainAsync();
        var colleague = await owner.InviteNewMemberAsync("sales_rep");

        var mine = await ListSessionsAsync(second);
        var theirs = await ListSessionsAsync(colleague);

        Assert.Equal(2, mine.Length);
        Assert.Single(mine, s => s.GetProperty("current").GetBoolean());
        // The first sign-in's session is listed too, not marked current.
        var firstSession = await SessionIdOfAsync(owner);
        Assert.False(mine.Single(s => s.GetProperty("id").GetGuid() == firstSession).GetProperty("current").GetBoolean());
        Assert.All(mine, s => Assert.Equal(owner.WorkspaceId, s.GetProperty("workspaceId").GetGuid()));
        Assert.Single(theirs);
        Assert.DoesNotContain(theirs[0].GetProperty("id").GetGuid(), mine.Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task The_session_list_spans_the_users_workspaces()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var invitee = await SignedIn.RegisterAsync(factory, "Invitee's own");
        var token = await owner.InviteAsync(invitee.Email, "manager");
        using var accept = await SignedIn.AcceptAsync(invitee.Client, token, password: null, invitee.AccessToken);
        var joined = await SignedIn.ReadAsync<AuthTokenResponse>(accept);

        var sessions = await ListSessionsAsync(invitee);

        Assert.Equal(new HashSet<Guid> { invitee.WorkspaceId, owner.WorkspaceId }, sessions.Select(s => s.GetProperty("workspaceId").GetGuid()).ToHashSet());
        Assert.Equal(invitee.WorkspaceId, sessions.Single(s => s.GetProperty("current").GetBoolean()).GetProperty("workspaceId").GetGuid());

        // Signing out everywhere else from the own workspace ends the session in the other one too.
        using (var revoke = await invitee.SendAsync(HttpMethod.Post, "/api/v1/auth/sessions/revoke-others"))
        {
            Assert.Equal(1, (await SignedIn.ReadAsync<JsonElement>(revoke)).GetProperty("revoked").GetInt32());
        }
        using var me = await AuthApi.GetMeAsync(invitee.Client, joined.AccessToken);
        await AuthApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoking_a_session_by_id_ends_it_and_another_users_session_is_a_404()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var laptop = await owner.LoginAgainAsync();
        var stranger = await SignedIn.RegisterAsync(factory, "Stranger");
        var laptopSession = await SessionIdOfAsync(laptop);

        using (var foreign = await stranger.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{laptopSession}"))
        {
            await AuthApi.AssertProblemAsync(foreign, HttpStatusCode.NotFound);
        }
        Assert.Empty(await laptop.Companies.ListNamesAsync());

        using (var revoke = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{laptopSession}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using (var after = await laptop.Companies.SendAsync(HttpMethod.Get, "/"))
        {
            await AuthApi.AssertProblemAsync(after, HttpStatusCode.Unauthorized);
        }
        Assert.Empty(await owner.Companies.ListNamesAsync());
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE user_id = $1 AND event_type = 'session_revoked'", owner.UserId));
    }

    [Fact]
    public async Task Revoke_others_keeps_only_the_current_session()
    {
        var first = await SignedIn.RegisterAsync(factory);
        var second = await first.LoginAgainAsync();
        var third = await first.LoginAgainAsync();

        using var response = await second.SendAsync(HttpMethod.Post, "/api/v1/auth/sessions/revoke-others");

        Assert.Equal(2, (await SignedIn.ReadAsync<JsonElement>(response)).GetProperty("revoked").GetInt32());
        foreach (var revoked in new[] { first, third })
        {
            using var me = await AuthApi.GetMeAsync(revoked.Client, revoked.AccessToken);
            await AuthApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
        }
        Assert.Single(await ListSessionsAsync(second));
    }

    [Fact]
    public async Task An_api_key_has_no_sessions_and_cannot_sign_out()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var key = (await owner.CreateApiKeyAsync(["read"])).GetProperty("key").GetString()!;

        using var sessions = await SignedIn.SendAsync(owner.Client, key, HttpMethod.Get, "/api/v1/auth/sessions");
        using var logout = await SignedIn.SendAsync(owner.Client, key, HttpMethod.Post, "/api/v1/auth/logout");
        using var me = await SignedIn.SendAsync(owner.Client, credential: null, HttpMethod.Get, "/api/v1/auth/me", apiKeyHeader: key);

        await AuthApi.AssertProblemAsync(sessions, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(logout, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonElement[]> ListSessionsAsync(SignedIn user)
    {
        using var response = await user.SendAsync(HttpMethod.Get, "/api/v1/auth/sessions");
        var page = await SignedIn.ReadAsync<JsonElement>(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    /// <summary>The session a sign-in's tokens belong to, as its own session list marks it.</summary>
    private static async Task<Guid> SessionIdOfAsync(SignedIn user) =>
        (await ListSessionsAsync(user)).Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid();
}
