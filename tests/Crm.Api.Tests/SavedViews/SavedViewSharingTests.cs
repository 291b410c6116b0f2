using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.SavedViews;

/// <summary>Who sees and changes a saved view: its owner, its team, the workspace; never another workspace.</summary>
public sealed class SavedViewSharingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Private_views_are_their_owners_and_shared_views_are_seen_by_their_audience_but_changed_by_the_owner_or_an_admin()
    {
        var owner = await RegisterAsync(factory);
        var rep = await JoinAsync(factory, owner, "sales_rep", "own");
        var teammate = await JoinAsync(factory, owner, "sales_rep", "own");
        var admin = await JoinAsync(factory, owner, "admin");
        var viewer = await JoinAsync(factory, owner, "viewer");
        var team = await CreateTeamAsync(owner, "Closers", rep, teammate);

        var mine = await CreateIdAsync(rep.SavedViews, new { name = "Rep private", objectType = "contact" });
        var (teamView, teamEtag) = await rep.SavedViews.CreateAsync(new { name = "Rep team", objectType = "contact", visibility = "team", teamId = team });
        var (shared, sharedEtag) = await rep.SavedViews.CreateAsync(new { name = "Rep shared", objectType = "company", visibility = "workspace" });

        Assert.Equal(["Rep private", "Rep shared", "Rep team"], await ListAsync(rep.SavedViews));
        Assert.Equal(["Rep shared", "Rep team"], await ListAsync(teammate.SavedViews));
        Assert.Equal(["Rep shared"], await ListAsync(admin.SavedViews));
        Assert.Equal(["Rep shared"], await ListAsync(viewer.SavedViews));
        await AssertStatusAsync(await admin.SavedViews.SendAsync(HttpMethod.Get, $"/{mine}"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await admin.SavedViews.SendAsync(HttpMethod.Patch, $"/{mine}", new { name = "Mine now" }, "*"), HttpStatusCode.NotFound);

        // Seen is not owned: a teammate may not change the team's view; an admin may change a shared one.
        var teamId = teamView.GetProperty("id").GetGuid();
        await AssertStatusAsync(await teammate.SavedViews.SendAsync(HttpMethod.Patch, $"/{teamId}", new { name = "Mine now" }, teamEtag), HttpStatusCode.Forbidden);
        await AssertStatusAsync(await teammate.SavedViews.SendAsync(HttpMethod.Delete, $"/{teamId}", ifMatch: teamEtag), HttpStatusCode.Forbidden);
        var sharedId = shared.GetProperty("id").GetGuid();
        await AssertStatusAsync(await viewer.SavedViews.SendAsync(HttpMethod.Patch, $"/{sharedId}", new { name = "Viewer's" }, sharedEtag), HttpStatusCode.Forbidden);
        await AssertStatusAsync(await admin.SavedViews.SendAsync(HttpMethod.Patch, $"/{sharedId}", new { name = "Everyone's" }, sharedEtag), HttpStatusCode.OK);
        await AssertStatusAsync(await viewer.SavedViews.SendAsync(HttpMethod.Post, "/", new { name = "Viewer's", objectType = "contact" }), HttpStatusCode.Forbidden);

        // Only a live team shares: once the team is deleted, its views are their owner's alone.
        await using (var delete = factory.Database.DataSource.CreateCommand($"UPDATE teams SET deleted_at = now() WHERE id = '{team}'"))
        {
            await delete.ExecuteNonQueryAsync();
        }
        Assert.Equal(["Everyone's"], await ListAsync(teammate.SavedViews));
        Assert.Equal(["Everyone's", "Rep private", "Rep team"], await ListAsync(rep.SavedViews));
    }

    [Fact]
    public async Task Another_workspace_neither_sees_nor_changes_a_view_nor_shares_with_its_team()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var victimTeam = await CreateTeamAsync(victim, "Victims", victim);
        var (view, etag) = await victim.SavedViews.CreateAsync(new { name = "Everyone", objectType = "contact", visibility = "workspace" });
        var id = view.GetProperty("id").GetGuid();

        Assert.Empty(await ListAsync(attacker.SavedViews));
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                 })
        {
            await AssertStatusAsync(await attacker.SavedViews.SendAsync(method, path, body, ifMatch), HttpStatusCode.NotFound);
        }
        await AssertInvalidAsync(
            await attacker.SavedViews.SendAsync(HttpMethod.Post, "/", new { name = "Spy", objectType = "contact", visibility = "team", teamId = victimTeam }),
            "teamId");
        Assert.Equal(["Everyone"], await ListAsync(victim.SavedViews));
    }
}
