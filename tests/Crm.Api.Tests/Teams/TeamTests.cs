using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Teams;

public sealed class TeamTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Teams_form_a_hierarchy_without_cycles_and_cannot_be_deleted_with_live_sub_teams()
    {
        var api = await RegisterAsync(factory);
        var (sales, salesEtag) = await api.Teams.CreateAsync(new { name = " Sales ", description = "Everyone who sells", managerId = api.UserId });
        Assert.Equal("Sales", sales.GetProperty("name").GetString());
        var salesId = sales.GetProperty("id").GetGuid();
        var emea = await CreateIdAsync(api.Teams, new { name = "EMEA Sales", parentTeamId = salesId });
        var dach = await CreateIdAsync(api.Teams, new { name = "DACH Sales", parentTeamId = emea });
        Assert.Equal(["EMEA Sales"], await ListAsync(api.Teams, $"?filter[parentTeamId]={salesId}"));
        Assert.Equal(["DACH Sales", "EMEA Sales", "Sales"], await ListAsync(api.Teams));

        await AssertInvalidAsync(await api.Teams.SendAsync(HttpMethod.Patch, $"/{salesId}", new { parentTeamId = dach }, salesEtag), "parentTeamId");
        await AssertInvalidAsync(await api.Teams.SendAsync(HttpMethod.Patch, $"/{salesId}", new { parentTeamId = salesId }, salesEtag), "parentTeamId");
        await AssertInvalidAsync(await api.Teams.SendAsync(HttpMethod.Post, "/", new { name = " ", managerId = Guid.CreateVersion7(), parentTeamId = Guid.CreateVersion7() }),
            "name", "managerId", "parentTeamId");
        using (var duplicate = await api.Teams.SendAsync(HttpMethod.Post, "/", new { name = "sales" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("name", out _));
        }

        // The database refuses a cycle the API would have missed (two concurrent changes).
        await using (var cycle = factory.Database.DataSource.CreateCommand($"UPDATE teams SET parent_team_id = '{dach}' WHERE id = '{salesId}'"))
        {
            var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => cycle.ExecuteNonQueryAsync());
            Assert.Equal("teams_no_cycle", refused.ConstraintName);
        }

        var (_, emeaEtag) = await GetAsync(api.Teams, emea);
        await AssertStatusAsync(await api.Teams.SendAsync(HttpMethod.Delete, $"/{emea}", ifMatch: emeaEtag), HttpStatusCode.Conflict);
        var (_, dachEtag) = await GetAsync(api.Teams, dach);
        await AssertStatusAsync(await api.Teams.SendAsync(HttpMethod.Delete, $"/{dach}", ifMatch: dachEtag), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Teams.SendAsync(HttpMethod.Delete, $"/{emea}", ifMatch: emeaEtag), HttpStatusCode.NoContent);

        // A deleted team's name is free again.
        await CreateIdAsync(api.Teams, new { name = "DACH Sales" });
    }

    [Fact]
    public async Task Members_join_change_role_and_leave_and_every_change_is_audited()
    {
        var owner = await RegisterAsync(factory);
        var rep = await JoinAsync(factory, owner, "sales_rep");
        var lead = await JoinAsync(factory, owner, "manager");
        var team = await CreateIdAsync(owner.Teams, new { name = "Closers" });

        using (var joined = await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{rep.UserId}", new { }))
        {
            Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
            var member = JsonDocument.Parse(await joined.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("member", member.GetProperty("role").GetString());
            Assert.False(string.IsNullOrEmpty(member.GetProperty("email").GetString()));
        }
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{lead.UserId}", new { role = "member" }), HttpStatusCode.Created);
        using (var promoted = await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{lead.UserId}", new { role = "lead" }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
            Assert.Equal("lead", (await owner.Teams.ReadAsync(promoted)).GetProperty("role").GetString());
        }
        // The same PUT again changes nothing, and writes no audit row.
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{lead.UserId}", new { role = "lead" }), HttpStatusCode.OK);
        Assert.Equal([(lead.UserId, "lead"), (rep.UserId, "member")], await MembersAsync(owner, team));

        await AssertInvalidAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{rep.UserId}", new { role = "captain" }), "role");
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{Guid.CreateVersion7()}", new { }), HttpStatusCode.NotFound);
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{Guid.CreateVersion7()}/members/{rep.UserId}", new { }), HttpStatusCode.NotFound);
        using (var text = await owner.Teams.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/teams/{team}/members/{rep.UserId}")
               {
                   Content = new StringContent("role=lead", System.Text.Encoding.UTF8, "text/plain"),
               }))
        {
            await AuthApi.AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        }

        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Delete, $"/{team}/members/{rep.UserId}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Delete, $"/{team}/members/{rep.UserId}"), HttpStatusCode.NotFound);
        Assert.Equal([(lead.UserId, "lead")], await MembersAsync(owner, team));

        var audit = await owner.AuditOfAsync("team", team);
        Assert.Equal(["updated", "updated", "updated", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        var removal = audit[0];
        Assert.Equal("member", removal.GetProperty("oldValues").GetProperty("members").GetProperty(rep.UserId.ToString()).GetString());
        Assert.Equal(JsonValueKind.Null, removal.GetProperty("newValues").GetProperty("members").GetProperty(rep.UserId.ToString()).ValueKind);
    }

    [Fact]
    public async Task Record_scope_team_follows_team_membership_at_once()
    {
        var owner = await RegisterAsync(factory);
        var rep = await JoinAsync(factory, owner, "sales_rep", "team");
        var colleague = await JoinAsync(factory, owner, "sales_rep", "own");
        var acme = await CreateIdAsync(colleague.Companies, new { name = "Acme" });
        await AssertStatusAsync(await rep.Companies.SendAsync(HttpMethod.Get, $"/{acme}"), HttpStatusCode.NotFound);

        var team = await CreateTeamAsync(owner, "Closers", rep, colleague);
        await AssertStatusAsync(await rep.Companies.SendAsync(HttpMethod.Get, $"/{acme}"), HttpStatusCode.OK);

        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Delete, $"/{team}/members/{colleague.UserId}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await rep.Companies.SendAsync(HttpMethod.Get, $"/{acme}"), HttpStatusCode.NotFound);

        // Deleting the team ends it for scope too; restoring it brings its members back.
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{team}/members/{colleague.UserId}", new { }), HttpStatusCode.Created);
        var (_, etag) = await GetAsync(owner.Teams, team);
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Delete, $"/{team}", ifMatch: etag), HttpStatusCode.NoContent);
        await AssertStatusAsync(await rep.Companies.SendAsync(HttpMethod.Get, $"/{acme}"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Get, $"/{team}/members"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Post, $"/{team}/restore"), HttpStatusCode.OK);
        await AssertStatusAsync(await rep.Companies.SendAsync(HttpMethod.Get, $"/{acme}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Only_owners_and_admins_change_teams_and_another_workspace_reaches_none()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var admin = await JoinAsync(factory, victim, "admin");
        var manager = await JoinAsync(factory, victim, "manager");
        var viewer = await JoinAsync(factory, victim, "viewer");
        var (team, etag) = await admin.Teams.CreateAsync(new { name = "Closers" });
        var teamId = team.GetProperty("id").GetGuid();
        await AssertStatusAsync(await admin.Teams.SendAsync(HttpMethod.Put, $"/{teamId}/members/{manager.UserId}", new { }), HttpStatusCode.Created);

        foreach (var member in new[] { manager, viewer })
        {
            Assert.Equal(["Closers"], await ListAsync(member.Teams));
            Assert.Equal([(manager.UserId, "member")], await MembersAsync(member, teamId));
            await AssertStatusAsync(await member.Teams.SendAsync(HttpMethod.Post, "/", new { name = "Mine" }), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.Teams.SendAsync(HttpMethod.Patch, $"/{teamId}", new { name = "Mine" }, etag), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.Teams.SendAsync(HttpMethod.Put, $"/{teamId}/members/{member.UserId}", new { role = "lead" }), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.Teams.SendAsync(HttpMethod.Delete, $"/{teamId}/members/{manager.UserId}"), HttpStatusCode.Forbidden);
        }

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{teamId}", null, null),
                     (HttpMethod.Get, $"/{teamId}/members", null, null),
                     (HttpMethod.Patch, $"/{teamId}", new { name = "Pwned" }, etag),
                     (HttpMethod.Delete, $"/{teamId}", null, etag),
                     (HttpMethod.Put, $"/{teamId}/members/{attacker.UserId}", new { role = "lead" }, null),
                     (HttpMethod.Delete, $"/{teamId}/members/{manager.UserId}", null, null),
                 })
        {
            await AssertStatusAsync(await attacker.Teams.SendAsync(method, path, body, ifMatch), HttpStatusCode.NotFound);
        }
        // Nor can the attacker pull the victim's member into a team of their own, or hang a team under the victim's.
        var own = await CreateIdAsync(attacker.Teams, new { name = "Spies" });
        await AssertStatusAsync(await attacker.Teams.SendAsync(HttpMethod.Put, $"/{own}/members/{manager.UserId}", new { }), HttpStatusCode.NotFound);
        await AssertInvalidAsync(await attacker.Teams.SendAsync(HttpMethod.Post, "/", new { name = "Moles", parentTeamId = teamId }), "parentTeamId");
        Assert.Equal(["Spies"], await ListAsync(attacker.Teams));
        Assert.Equal([(manager.UserId, "member")], await MembersAsync(victim, teamId));
    }

    private static async Task<List<(Guid UserId, string? Role)>> MembersAsync(Configuration.WorkspaceApi api, Guid teamId)
    {
        using var response = await api.Teams.SendAsync(HttpMethod.Get, $"/{teamId}/members");
        var list = await api.Teams.ReadAsync(response);
        return [.. list.GetProperty("data").EnumerateArray().Select(m => (m.GetProperty("userId").GetGuid(), m.GetProperty("role").GetString()))];
    }
}
