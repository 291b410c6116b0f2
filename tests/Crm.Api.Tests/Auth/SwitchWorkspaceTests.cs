using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Features.Auth;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Auth;

/// <summary>POST /api/v1/auth/switch: a signed-in user moves to another of their workspaces without their password.</summary>
public sealed class SwitchWorkspaceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Switching_answers_tokens_like_login_for_the_other_workspace_which_see_only_its_data()
    {
        var (owner, member) = await MemberOfTwoWorkspacesAsync();
        await owner.Companies.CreateAsync(new { name = "Owner's company" });
        await member.Companies.CreateAsync(new { name = "Member's own company" });

        using var response = await SwitchAsync(member, new { workspaceId = owner.WorkspaceId });

        var switched = await SignedIn.ReadAsync<AuthTokenResponse>(response);
        Assert.Equal("Bearer", switched.TokenType);
        Assert.Equal(owner.WorkspaceId, switched.Workspace.Id);
        Assert.Equal(
            new HashSet<(Guid, string)> { (member.WorkspaceId, "owner"), (owner.WorkspaceId, "sales_rep") },
            switched.Workspaces!.Select(w => (w.Id, w.Role)).ToHashSet());
        var me = await AuthApi.MeAsync(member.Client, switched.AccessToken);
        Assert.Equal((member.UserId, owner.WorkspaceId, "sales_rep"), (me.UserId, me.Workspace.Id, me.Role));
        var companies = new CompanyApi(member.Client, switched.AccessToken, member.UserId, owner.WorkspaceId);
        Assert.Equal(["Owner's company"], await companies.ListNamesAsync());
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE user_id = $1 AND workspace_id = $2 AND event_type = 'login_success'",
            member.UserId, owner.WorkspaceId));
    }

    [Fact]
    public async Task The_calling_session_ends_so_its_tokens_are_refused_and_the_new_refresh_token_works()
    {
        var (owner, member) = await MemberOfTwoWorkspacesAsync();

        using var response = await SwitchAsync(member, new { workspaceId = owner.WorkspaceId });
        var switched = await SignedIn.ReadAsync<AuthTokenResponse>(response);

        using (var oldRefresh = await AuthApi.PostRefreshAsync(member.Client, member.Tokens.RefreshToken))
        {
            await AuthApi.AssertProblemAsync(oldRefresh, HttpStatusCode.Unauthorized);
        }
        using (var oldAccess = await AuthApi.GetMeAsync(member.Client, member.AccessToken))
        {
            var problem = await AuthApi.AssertProblemAsync(oldAccess, HttpStatusCode.Unauthorized);
            Assert.Equal(CurrentMembership.SessionEnded, problem.GetProperty("detail").GetString());
        }
        // The ended session cannot switch again (it would mint a second session).
        using (var again = await SwitchAsync(member, new { workspaceId = owner.WorkspaceId }))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.Unauthorized);
        }
        using (var refresh = await AuthApi.PostRefreshAsync(member.Client, switched.RefreshToken))
        {
            Assert.Equal(owner.WorkspaceId, (await SignedIn.ReadAsync<AuthTokenResponse>(refresh)).Workspace.Id);
        }
        Assert.Equal("logout", await SignedIn.ScalarAsync<string>(factory,
            "SELECT revoked_reason FROM user_sessions WHERE user_id = $1 AND workspace_id = $2", member.UserId, member.WorkspaceId));
    }

    [Fact]
    public async Task A_workspace_the_caller_is_not_an_active_member_of_is_a_403_and_logged()
    {
        var (owner, member) = await MemberOfTwoWorkspacesAsync();
        var stranger = await SignedIn.RegisterAsync(factory, "Stranger");
        using (var suspend = await owner.PatchMemberAsync(member.UserId, new { status = "suspended" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        using var foreign = await SwitchAsync(member, new { workspaceId = stranger.WorkspaceId });
        using var suspended = await SwitchAsync(member, new { workspaceId = owner.WorkspaceId });
        using var unknown = await SwitchAsync(member, new { workspaceId = Guid.NewGuid() });

        await AuthApi.AssertProblemAsync(foreign, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(suspended, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.Forbidden);
        Assert.Equal(3L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE user_id = $1 AND event_type = 'permission_denied' AND workspace_id IS NULL", member.UserId));
        // A refused switch leaves the calling session alone.
        Assert.Equal(member.WorkspaceId, (await AuthApi.MeAsync(member.Client, member.AccessToken)).Workspace.Id);
        Assert.Equal(0L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM user_sessions WHERE user_id = $1 AND workspace_id = $2", member.UserId, stranger.WorkspaceId));
    }

    [Fact]
    public async Task An_api_key_or_no_credential_is_a_401()
    {
        var (owner, member) = await MemberOfTwoWorkspacesAsync();
        var key = (await member.CreateApiKeyAsync(["read", "write"])).GetProperty("key").GetString()!;
        var body = new { workspaceId = owner.WorkspaceId };

        using var bearerKey = await SignedIn.SendAsync(member.Client, key, HttpMethod.Post, "/api/v1/auth/switch", body);
        using var headerKey = await SignedIn.SendAsync(member.Client, null, HttpMethod.Post, "/api/v1/auth/switch", body, apiKeyHeader: key);
        using var anonymous = await SignedIn.SendAsync(member.Client, null, HttpMethod.Post, "/api/v1/auth/switch", body);

        await AuthApi.AssertProblemAsync(bearerKey, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(headerKey, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        // Only the session the invitation's acceptance started there.
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM user_sessions WHERE user_id = $1 AND workspace_id = $2", member.UserId, owner.WorkspaceId));
    }

    [Fact]
    public async Task A_missing_or_malformed_workspace_id_is_a_400_on_workspaceId()
    {
        var (_, member) = await MemberOfTwoWorkspacesAsync();

        foreach (object body in new object[] { new { }, new { workspaceId = "not-an-id" }, new { workspaceId = Guid.Empty } })
        {
            using var response = await SwitchAsync(member, body);
            var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("workspaceId", out _));
        }
        using (var wrongType = await SwitchAsync(member, new { workspaceId = 42 }))
        {
            await AuthApi.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest);
        }
        Assert.Equal(member.WorkspaceId, (await AuthApi.MeAsync(member.Client, member.AccessToken)).Workspace.Id);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_switch()
    {
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operation = document.GetProperty("paths").GetProperty("/api/v1/auth/switch").GetProperty("post");
        Assert.Equal("SwitchWorkspace", operation.GetProperty("operationId").GetString());
        var responses = operation.GetProperty("responses");
        Assert.All(["200", "400", "401", "403"], status => Assert.True(responses.TryGetProperty(status, out _), status));
    }

    /// <summary>A user with their own workspace (signed in there) who also joined another user's as a sales rep.</summary>
    private async Task<(SignedIn Owner, SignedIn Member)> MemberOfTwoWorkspacesAsync()
    {
        var owner = await SignedIn.RegisterAsync(factory, "Switch target");
        var member = await SignedIn.RegisterAsync(factory, "Member's own");
        var token = await owner.InviteAsync(member.Email, "sales_rep");
        using var accept = await SignedIn.AcceptAsync(member.Client, token, password: null, member.AccessToken);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        return (owner, member);
    }

    private static Task<HttpResponseMessage> SwitchAsync(SignedIn caller, object body) =>
        caller.SendAsync(HttpMethod.Post, "/api/v1/auth/switch", body);
}
