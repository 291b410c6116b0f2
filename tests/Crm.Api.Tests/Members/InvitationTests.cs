using System.Net;
using System.Text.Json;
using Crm.Api.Features.Auth;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Members;

public sealed class InvitationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_new_user_accepts_an_invitation_and_is_signed_in_with_its_role_and_scope()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var email = AuthApi.NewEmail("invitee");
        var token = await owner.InviteAsync(email, "sales_rep", "own");
        using var client = factory.CreateClient();

        using var accept = await SignedIn.AcceptAsync(client, token, AuthApi.Password);

        var tokens = await SignedIn.ReadAsync<AuthTokenResponse>(accept);
        Assert.Equal(owner.WorkspaceId, tokens.Workspace.Id);
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        Assert.Equal((email, "sales_rep", "own"), (me.Email, me.Role, me.Scope));
        var member = (await owner.GetMemberAsync(me.UserId)).Member;
        Assert.Equal(owner.UserId, member.GetProperty("invitedBy").GetGuid());
        Assert.Equal("active", member.GetProperty("status").GetString());
        // The account works for signing in later too.
        using (var login = await AuthApi.PostLoginAsync(client, email, AuthApi.Password))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM audit_logs WHERE workspace_id = $1 AND entity_type = 'member' AND entity_id = $2 AND action = 'created'", owner.WorkspaceId, me.UserId));
        Assert.Equal(2L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE workspace_id = $1 AND event_type IN ('member_invited', 'member_joined')", owner.WorkspaceId));
    }

    [Fact]
    public async Task An_invitation_token_works_once()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var token = await owner.InviteAsync(AuthApi.NewEmail(), "viewer");
        using var client = factory.CreateClient();
        using (var first = await SignedIn.AcceptAsync(client, token, AuthApi.Password))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await SignedIn.AcceptAsync(client, token, AuthApi.Password);

        await AuthApi.AssertProblemAsync(second, HttpStatusCode.Gone);
    }

    [Fact]
    public async Task An_expired_invitation_is_gone_and_creates_no_account()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var email = AuthApi.NewEmail();
        var token = await owner.InviteAsync(email, "viewer");
        await SignedIn.ExecuteAsync(factory, "UPDATE member_invitations SET expires_at = now() - interval '1 second' WHERE workspace_id = $1", owner.WorkspaceId);
        using var client = factory.CreateClient();

        using var accept = await SignedIn.AcceptAsync(client, token, AuthApi.Password);

        await AuthApi.AssertProblemAsync(accept, HttpStatusCode.Gone);
        Assert.Equal(0L, await SignedIn.ScalarAsync<long>(factory, "SELECT count(*) FROM users WHERE email = $1", email));
    }

    [Fact]
    public async Task Inviting_the_same_email_again_replaces_the_pending_invitation()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var email = AuthApi.NewEmail();
        var old = await owner.InviteAsync(email, "viewer");
        var fresh = await owner.InviteAsync(email, "manager");
        using var client = factory.CreateClient();

        using var oldAccept = await SignedIn.AcceptAsync(client, old, AuthApi.Password);
        using var freshAccept = await SignedIn.AcceptAsync(client, fresh, AuthApi.Password);

        await AuthApi.AssertProblemAsync(oldAccept, HttpStatusCode.Gone);
        var tokens = await SignedIn.ReadAsync<AuthTokenResponse>(freshAccept);
        Assert.Equal("manager", (await AuthApi.MeAsync(client, tokens.AccessToken)).Role);
    }

    [Fact]
    public async Task A_token_only_works_in_the_workspace_it_was_issued_for()
    {
        var a = await SignedIn.RegisterAsync(factory, "A");
        var b = await SignedIn.RegisterAsync(factory, "B");
        var token = await a.InviteAsync(AuthApi.NewEmail(), "admin");
        using var client = factory.CreateClient();

        // Pointed at workspace B (the token names its workspace), it is no invitation at all.
        var retargeted = SignedIn.Retarget(token, "inv_", b.WorkspaceId);
        using (var forged = await SignedIn.AcceptAsync(client, retargeted, AuthApi.Password))
        {
            Assert.True((await AuthApi.AssertProblemAsync(forged, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("token", out _));
        }
        // B's admins neither see nor revoke A's invitations.
        var id = await SignedIn.ScalarAsync<Guid>(factory, "SELECT id FROM member_invitations WHERE workspace_id = $1", a.WorkspaceId);
        using (var list = await b.SendAsync(HttpMethod.Get, "/api/v1/members/invitations"))
        {
            Assert.Empty((await SignedIn.ReadAsync<JsonElement>(list)).GetProperty("data").EnumerateArray());
        }
        using (var revoke = await b.SendAsync(HttpMethod.Delete, $"/api/v1/members/invitations/{id}"))
        {
            await AuthApi.AssertProblemAsync(revoke, HttpStatusCode.NotFound);
        }

        using var accept = await SignedIn.AcceptAsync(client, token, AuthApi.Password);
        Assert.Equal(a.WorkspaceId, (await SignedIn.ReadAsync<AuthTokenResponse>(accept)).Workspace.Id);
    }

    [Fact]
    public async Task A_signed_in_user_joins_with_their_account_if_the_invitation_is_for_their_email()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var invitee = await SignedIn.RegisterAsync(factory, "Invitee's own");
        var someoneElse = await SignedIn.RegisterAsync(factory, "Someone else's");
        var token = await owner.InviteAsync(invitee.Email, "support_agent", "team");

        using (var wrongAccount = await SignedIn.AcceptAsync(someoneElse.Client, token, password: null, someoneElse.AccessToken))
        {
            await AuthApi.AssertProblemAsync(wrongAccount, HttpStatusCode.Forbidden);
        }
        using (var anonymous = await SignedIn.AcceptAsync(factory.CreateClient(), token, AuthApi.Password))
        {
            // The email has an account: sign in and accept while signed in.
            await AuthApi.AssertProblemAsync(anonymous, HttpStatusCode.Conflict);
        }
        using var accept = await SignedIn.AcceptAsync(invitee.Client, token, password: null, invitee.AccessToken);

        var tokens = await SignedIn.ReadAsync<AuthTokenResponse>(accept);
        var me = await AuthApi.MeAsync(invitee.Client, tokens.AccessToken);
        Assert.Equal((invitee.UserId, owner.WorkspaceId, "support_agent", "team"), (me.UserId, me.Workspace.Id, me.Role, me.Scope));
        // Still a member of their own workspace, with their old token.
        Assert.Equal(invitee.WorkspaceId, (await AuthApi.MeAsync(invitee.Client, invitee.AccessToken)).Workspace.Id);
    }

    [Fact]
    public async Task Only_owners_and_admins_invite_and_only_owners_invite_owners()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var admin = await owner.InviteNewMemberAsync("admin");
        var manager = await owner.InviteNewMemberAsync("manager");

        using var byManager = await manager.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = AuthApi.NewEmail(), role = "viewer", recordScope = "own" });
        using var managerList = await manager.SendAsync(HttpMethod.Get, "/api/v1/members/invitations");
        using var ownerByAdmin = await admin.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = AuthApi.NewEmail(), role = "owner", recordScope = "all" });
        using var viewerByAdmin = await admin.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = AuthApi.NewEmail(), role = "viewer", recordScope = "own" });

        await AuthApi.AssertProblemAsync(byManager, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(managerList, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(ownerByAdmin, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, viewerByAdmin.StatusCode);
    }

    [Fact]
    public async Task Bad_invitations_are_refused_and_members_cannot_be_invited_again()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var member = await owner.InviteNewMemberAsync("viewer");

        using var invalid = await owner.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = "not-an-email", role = "boss" });
        using var existing = await owner.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = member.Email.ToUpperInvariant(), role = "viewer", recordScope = "own" });
        using var garbage = await SignedIn.AcceptAsync(factory.CreateClient(), "inv_garbage", AuthApi.Password);
        var token = await owner.InviteAsync(AuthApi.NewEmail(), "viewer");
        using var weakPassword = await SignedIn.AcceptAsync(factory.CreateClient(), token, "short");

        var errors = (await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["email", "recordScope", "role"], errors.EnumerateObject().Select(p => p.Name).Order());
        await AuthApi.AssertProblemAsync(existing, HttpStatusCode.Conflict);
        await AuthApi.AssertProblemAsync(garbage, HttpStatusCode.BadRequest);
        Assert.True((await AuthApi.AssertProblemAsync(weakPassword, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task A_revoked_invitation_is_gone()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var token = await owner.InviteAsync(AuthApi.NewEmail(), "viewer");
        using (var list = await owner.SendAsync(HttpMethod.Get, "/api/v1/members/invitations"))
        {
            var pending = (await SignedIn.ReadAsync<JsonElement>(list)).GetProperty("data").EnumerateArray().Single();
            Assert.False(pending.TryGetProperty("token", out _));
            using var revoke = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/members/invitations/{pending.GetProperty("id").GetGuid()}");
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var accept = await SignedIn.AcceptAsync(factory.CreateClient(), token, AuthApi.Password);

        await AuthApi.AssertProblemAsync(accept, HttpStatusCode.Gone);
    }
}
