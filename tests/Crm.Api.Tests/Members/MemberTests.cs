using System.Net;
using System.Text.Json;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Members;

/// <summary>Listing, changing and removing members: who may do what, the last owner, and rights that change at once.</summary>
public sealed class MemberTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_member_lists_the_workspaces_members_and_no_others()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var viewer = await owner.InviteNewMemberAsync("viewer", "own");
        await SignedIn.RegisterAsync(factory, "Elsewhere");

        using var response = await viewer.SendAsync(HttpMethod.Get, "/api/v1/members?sort=email");

        var members = (await SignedIn.ReadAsync<JsonElement>(response)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            new[] { (owner.Email, "owner", "all"), (viewer.Email, "viewer", "own") }.OrderBy(m => m.Item1, StringComparer.Ordinal),
            members.Select(m => (m.GetProperty("email").GetString()!, m.GetProperty("role").GetString()!, m.GetProperty("recordScope").GetString()!)));
    }

    [Fact]
    public async Task A_demoted_member_loses_write_rights_on_their_next_request()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var rep = await owner.InviteNewMemberAsync("sales_rep");
        await rep.Companies.CreateAsync(new { name = "Before" });

        using (var demote = await owner.PatchMemberAsync(rep.UserId, new { role = "viewer" }))
        {
            var member = await SignedIn.ReadAsync<JsonElement>(demote);
            Assert.Equal("viewer", member.GetProperty("role").GetString());
            Assert.NotNull(demote.Headers.ETag);
        }

        using var write = await rep.Companies.SendAsync(HttpMethod.Post, "/", new { name = "After" });
        await AuthApi.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        Assert.Equal(["Before"], await rep.Companies.ListNamesAsync());
        var audit = await SignedIn.ScalarAsync<string>(factory,
            "SELECT new_values::text FROM audit_logs WHERE workspace_id = $1 AND entity_type = 'member' AND entity_id = $2 AND action = 'updated'",
            owner.WorkspaceId, rep.UserId);
        Assert.Equal("viewer", JsonDocument.Parse(audit).RootElement.GetProperty("role").GetString());
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE workspace_id = $1 AND event_type = 'member_updated'", owner.WorkspaceId));
    }

    [Fact]
    public async Task A_suspended_member_is_refused_until_reactivated()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var rep = await owner.InviteNewMemberAsync("sales_rep");

        using (var suspend = await owner.PatchMemberAsync(rep.UserId, new { status = "suspended" }))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }
        using (var refused = await rep.Companies.SendAsync(HttpMethod.Get, "/"))
        {
            var problem = await AuthApi.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.Equal(CurrentMembership.NotAMember, problem.GetProperty("detail").GetString());
        }
        using (var reactivate = await owner.PatchMemberAsync(rep.UserId, new { status = "active" }))
        {
            Assert.Equal(HttpStatusCode.OK, reactivate.StatusCode);
        }
        Assert.Empty(await rep.Companies.ListNamesAsync());
    }

    [Fact]
    public async Task The_last_owner_can_never_be_demoted_suspended_or_removed()
    {
        var owner = await SignedIn.RegisterAsync(factory);

        foreach (var patch in new object[] { new { role = "admin" }, new { status = "suspended" } })
        {
            using var response = await owner.PatchMemberAsync(owner.UserId, patch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Conflict);
        }
        using (var remove = await owner.RemoveMemberAsync(owner.UserId))
        {
            await AuthApi.AssertProblemAsync(remove, HttpStatusCode.Conflict);
        }

        // With a second owner, the first may step down.
        var second = await owner.InviteNewMemberAsync("owner");
        using (var stepDown = await owner.PatchMemberAsync(owner.UserId, new { role = "admin" }))
        {
            Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
        }
        using (var last = await second.PatchMemberAsync(second.UserId, new { role = "manager" }))
        {
            await AuthApi.AssertProblemAsync(last, HttpStatusCode.Conflict);
        }
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner' AND status = 'active'", owner.WorkspaceId));
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_one_owner()
    {
        var first = await SignedIn.RegisterAsync(factory);
        var second = await first.InviteNewMemberAsync("owner");
        var (_, firstEtag) = await second.GetMemberAsync(first.UserId);
        var (_, secondEtag) = await first.GetMemberAsync(second.UserId);

        var responses = await Task.WhenAll(
            first.SendAsync(HttpMethod.Patch, $"/api/v1/members/{second.UserId}", new { role = "admin" }, secondEtag),
            second.SendAsync(HttpMethod.Patch, $"/api/v1/members/{first.UserId}", new { role = "admin" }, firstEtag));

        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner' AND status = 'active'", first.WorkspaceId));
        // The loser is refused as the last owner (409), or, if its access was checked after the winner's change, as an admin (403).
        var statuses = responses.Select(r => r.StatusCode).Order().ToList();
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(statuses[1], new[] { HttpStatusCode.Forbidden, HttpStatusCode.Conflict });
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_admin_manages_members_but_cannot_make_change_or_remove_owners()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var admin = await owner.InviteNewMemberAsync("admin");
        var rep = await owner.InviteNewMemberAsync("sales_rep", "own");

        using (var promote = await admin.PatchMemberAsync(rep.UserId, new { role = "owner" }))
        {
            await AuthApi.AssertProblemAsync(promote, HttpStatusCode.Forbidden);
        }
        using (var demoteOwner = await admin.PatchMemberAsync(owner.UserId, new { role = "viewer" }))
        {
            await AuthApi.AssertProblemAsync(demoteOwner, HttpStatusCode.Forbidden);
        }
        using (var removeOwner = await admin.RemoveMemberAsync(owner.UserId))
        {
            await AuthApi.AssertProblemAsync(removeOwner, HttpStatusCode.Forbidden);
        }
        using (var selfPromote = await admin.PatchMemberAsync(admin.UserId, new { role = "owner" }))
        {
            await AuthApi.AssertProblemAsync(selfPromote, HttpStatusCode.Forbidden);
        }
        using (var manage = await admin.PatchMemberAsync(rep.UserId, new { role = "manager", recordScope = "team" }))
        {
            var member = await SignedIn.ReadAsync<JsonElement>(manage);
            Assert.Equal(("manager", "team"), (member.GetProperty("role").GetString(), member.GetProperty("recordScope").GetString()));
        }
        Assert.Equal("owner", (await owner.GetMemberAsync(owner.UserId)).Member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Members_without_members_manage_get_403_for_every_change()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var manager = await owner.InviteNewMemberAsync("manager");
        var viewer = await owner.InviteNewMemberAsync("viewer");
        var (_, etag) = await owner.GetMemberAsync(viewer.UserId);

        foreach (var caller in new[] { manager, viewer })
        {
            using var patch = await caller.SendAsync(HttpMethod.Patch, $"/api/v1/members/{viewer.UserId}", new { role = "admin" }, etag);
            using var remove = await caller.SendAsync(HttpMethod.Delete, $"/api/v1/members/{owner.UserId}", ifMatch: etag);
            await AuthApi.AssertProblemAsync(patch, HttpStatusCode.Forbidden);
            await AuthApi.AssertProblemAsync(remove, HttpStatusCode.Forbidden);
        }
        Assert.Equal("viewer", (await owner.GetMemberAsync(viewer.UserId)).Member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_removed_member_loses_access_at_once_and_their_sessions_end()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var rep = await owner.InviteNewMemberAsync("sales_rep");

        using (var remove = await owner.RemoveMemberAsync(rep.UserId))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        using (var list = await rep.Companies.SendAsync(HttpMethod.Get, "/"))
        {
            await AuthApi.AssertProblemAsync(list, HttpStatusCode.Unauthorized);
        }
        using (var refresh = await AuthApi.PostRefreshAsync(rep.Client, rep.Tokens.RefreshToken))
        {
            await AuthApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized);
        }
        using (var get = await owner.SendAsync(HttpMethod.Get, $"/api/v1/members/{rep.UserId}"))
        {
            await AuthApi.AssertProblemAsync(get, HttpStatusCode.NotFound);
        }
        Assert.Equal("member_removed", await SignedIn.ScalarAsync<string>(factory,
            "SELECT revoked_reason FROM user_sessions WHERE workspace_id = $1 AND user_id = $2", owner.WorkspaceId, rep.UserId));
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM audit_logs WHERE workspace_id = $1 AND entity_type = 'member' AND entity_id = $2 AND action = 'deleted'", owner.WorkspaceId, rep.UserId));
    }

    [Fact]
    public async Task Changes_need_the_current_etag_and_valid_values()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var rep = await owner.InviteNewMemberAsync("sales_rep");
        var (_, etag) = await owner.GetMemberAsync(rep.UserId);
        using (var first = await owner.SendAsync(HttpMethod.Patch, $"/api/v1/members/{rep.UserId}", new { recordScope = "own" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var stale = await owner.SendAsync(HttpMethod.Patch, $"/api/v1/members/{rep.UserId}", new { role = "viewer" }, etag);
        using var missing = await owner.SendAsync(HttpMethod.Patch, $"/api/v1/members/{rep.UserId}", new { role = "viewer" });
        using var invited = await owner.PatchMemberAsync(rep.UserId, new { status = "invited" });
        using var unknown = await owner.PatchMemberAsync(rep.UserId, new { role = "boss", email = "x@y.com" });

        await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        await AuthApi.AssertProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        Assert.True((await AuthApi.AssertProblemAsync(invited, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("status", out _));
        await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
        Assert.Equal("sales_rep", (await owner.GetMemberAsync(rep.UserId)).Member.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Another_workspaces_member_is_a_404()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var stranger = await SignedIn.RegisterAsync(factory, "Stranger");
        var strangersRep = await stranger.InviteNewMemberAsync("sales_rep");
        var (_, etag) = await stranger.GetMemberAsync(strangersRep.UserId);

        using var get = await owner.SendAsync(HttpMethod.Get, $"/api/v1/members/{strangersRep.UserId}");
        using var patch = await owner.SendAsync(HttpMethod.Patch, $"/api/v1/members/{strangersRep.UserId}", new { role = "viewer" }, etag);
        using var remove = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/members/{strangersRep.UserId}", ifMatch: etag);

        await AuthApi.AssertProblemAsync(get, HttpStatusCode.NotFound);
        await AuthApi.AssertProblemAsync(patch, HttpStatusCode.NotFound);
        await AuthApi.AssertProblemAsync(remove, HttpStatusCode.NotFound);
        Assert.Equal("sales_rep", (await stranger.GetMemberAsync(strangersRep.UserId)).Member.GetProperty("role").GetString());
    }
}
