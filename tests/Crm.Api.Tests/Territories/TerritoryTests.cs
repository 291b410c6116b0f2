using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Territories;

public sealed class TerritoryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Territories_form_a_hierarchy_without_cycles()
    {
        var api = await RegisterAsync(factory);
        var (emea, _) = await api.Territories.CreateAsync(new
        {
            name = "EMEA", description = "Europe, Middle East, Africa", managerId = api.UserId,
            rules = new { countries = new[] { " France ", "Germany", "france", "" }, sizes = new[] { "51-200" }, minAnnualRevenue = 1_000_000 },
        });
        Assert.Equal(["France", "Germany"], emea.GetProperty("rules").GetProperty("countries").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("geographic", emea.GetProperty("territoryType").GetString());
        var emeaId = emea.GetProperty("id").GetGuid();
        var dach = await CreateIdAsync(api.Territories, new { name = "DACH", parentTerritoryId = emeaId });
        var berlin = await CreateIdAsync(api.Territories, new { name = "Berlin", parentTerritoryId = dach, territoryType = "custom" });
        Assert.Equal(["DACH"], await ListAsync(api.Territories, $"?filter[parentTerritoryId]={emeaId}"));

        var (_, etag) = await GetAsync(api.Territories, emeaId);
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Patch, $"/{emeaId}", new { parentTerritoryId = berlin }, etag), "parentTerritoryId");
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Patch, $"/{emeaId}", new { parentTerritoryId = emeaId }, etag), "parentTerritoryId");
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Patch, $"/{emeaId}", new { parentTerritoryId = Guid.CreateVersion7() }, etag), "parentTerritoryId");
        using (var patch = await api.Territories.SendAsync(HttpMethod.Patch, $"/{emeaId}", new { rules = new { industries = new[] { "Software" } } }, etag))
        {
            var rules = (await api.Territories.ReadAsync(patch)).GetProperty("rules");
            Assert.Equal("Software", rules.GetProperty("industries")[0].GetString());
            Assert.Equal(2, rules.GetProperty("countries").GetArrayLength());
        }

        // Berlin moves up under EMEA; DACH then moves under Berlin: no cycle, so allowed.
        var (_, berlinEtag) = await GetAsync(api.Territories, berlin);
        await AssertStatusAsync(await api.Territories.SendAsync(HttpMethod.Patch, $"/{berlin}", new { parentTerritoryId = emeaId }, berlinEtag), HttpStatusCode.OK);
        var (_, dachEtag) = await GetAsync(api.Territories, dach);
        await AssertStatusAsync(await api.Territories.SendAsync(HttpMethod.Patch, $"/{dach}", new { parentTerritoryId = berlin }, dachEtag), HttpStatusCode.OK);

        // The database refuses a cycle the API would have missed (two concurrent changes).
        await using var cycle = factory.Database.DataSource.CreateCommand(
            $"UPDATE territories SET parent_territory_id = '{dach}' WHERE id = '{emeaId}'");
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => cycle.ExecuteNonQueryAsync());
        Assert.Equal("territories_no_cycle", refused.ConstraintName);
    }

    [Fact]
    public async Task Invalid_territories_are_400_and_names_are_unique_regardless_of_case()
    {
        var api = await RegisterAsync(factory);
        await api.Territories.CreateAsync(new { name = "EMEA" });
        using (var duplicate = await api.Territories.SendAsync(HttpMethod.Post, "/", new { name = "emea" }))
        {
            Assert.True((await Auth.AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("name", out _));
        }
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Post, "/", new { name = " ", managerId = Guid.CreateVersion7() }), "name", "managerId");
        await AssertInvalidAsync(
            await api.Territories.SendAsync(HttpMethod.Post, "/", new { name = "X", rules = new { sizes = new[] { "huge" }, minAnnualRevenue = 10, maxAnnualRevenue = 5 } }),
            "rules.sizes", "rules.maxAnnualRevenue");
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Post, "/", new { name = "X", rules = new { planets = new[] { "Mars" } } }), "rules.planets");
        await AssertInvalidAsync(await api.Territories.SendAsync(HttpMethod.Post, "/", new { name = "X", territoryType = "galactic" }), "territoryType");
        Assert.Equal(["EMEA"], await ListAsync(api.Territories));
    }

    [Fact]
    public async Task Companies_belong_to_a_territory_which_cannot_be_deleted_while_they_do()
    {
        var api = await RegisterAsync(factory);
        var (emea, emeaEtag) = await api.Territories.CreateAsync(new { name = "EMEA" });
        var emeaId = emea.GetProperty("id").GetGuid();
        var apac = await CreateIdAsync(api.Territories, new { name = "APAC" });
        var (acme, acmeEtag) = await api.Companies.CreateAsync(new { name = "Acme", territoryId = emeaId });
        Assert.Equal(emeaId, acme.GetProperty("territoryId").GetGuid());
        await api.Companies.CreateAsync(new { name = "Globex", territoryId = apac });
        Assert.Equal(["Acme"], await ListAsync(api.Companies, $"?filter[territoryId]={emeaId}"));
        await AssertInvalidAsync(await api.Companies.SendAsync(HttpMethod.Post, "/", new { name = "Initech", territoryId = Guid.CreateVersion7() }), "territoryId");

        await AssertStatusAsync(await api.Territories.SendAsync(HttpMethod.Delete, $"/{emeaId}", ifMatch: emeaEtag), HttpStatusCode.Conflict);
        var acmeId = acme.GetProperty("id").GetGuid();
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Patch, $"/{acmeId}", new { territoryId = apac }, acmeEtag), HttpStatusCode.OK);
        await AssertStatusAsync(await api.Territories.SendAsync(HttpMethod.Delete, $"/{emeaId}", ifMatch: emeaEtag), HttpStatusCode.NoContent);

        // A deleted territory takes no companies; restored, it does again.
        var (_, etag) = await GetAsync(api.Companies, acmeId);
        await AssertInvalidAsync(await api.Companies.SendAsync(HttpMethod.Patch, $"/{acmeId}", new { territoryId = emeaId }, etag), "territoryId");
        await AssertStatusAsync(await api.Territories.SendAsync(HttpMethod.Post, $"/{emeaId}/restore"), HttpStatusCode.OK);
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Patch, $"/{acmeId}", new { territoryId = emeaId }, etag), HttpStatusCode.OK);
        Assert.Equal(["restored", "deleted", "created"], (await api.AuditOfAsync("territory", emeaId)).Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Owners_admins_and_managers_write_territories_and_every_member_reads_them()
    {
        var owner = await RegisterAsync(factory);
        var manager = await JoinAsync(factory, owner, "manager", "team");
        var rep = await JoinAsync(factory, owner, "sales_rep", "own");
        var viewer = await JoinAsync(factory, owner, "viewer");
        var (territory, etag) = await owner.Territories.CreateAsync(new { name = "EMEA" });
        var id = territory.GetProperty("id").GetGuid();

        foreach (var member in new[] { rep, viewer })
        {
            await AssertStatusAsync(await member.Territories.SendAsync(HttpMethod.Post, "/", new { name = "APAC" }), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.Territories.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "Mine" }, etag), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.Territories.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.Forbidden);
            Assert.Equal(["EMEA"], await ListAsync(member.Territories));
        }
        await manager.Territories.CreateAsync(new { name = "APAC", managerId = manager.UserId });
        // A rep puts their companies in any territory of the workspace.
        var (company, _) = await rep.Companies.CreateAsync(new { name = "Acme", territoryId = id });
        Assert.Equal(id, company.GetProperty("territoryId").GetGuid());
    }

    [Fact]
    public async Task Another_workspace_cannot_read_change_or_use_a_territory()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var (territory, etag) = await victim.Territories.CreateAsync(new { name = "EMEA" });
        var id = territory.GetProperty("id").GetGuid();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                 })
        {
            await AssertStatusAsync(await attacker.Territories.SendAsync(method, path, body, ifMatch), HttpStatusCode.NotFound);
        }
        await AssertInvalidAsync(await attacker.Companies.SendAsync(HttpMethod.Post, "/", new { name = "Spy", territoryId = id }), "territoryId");
        await AssertInvalidAsync(await attacker.Territories.SendAsync(HttpMethod.Post, "/", new { name = "Sub", parentTerritoryId = id }), "parentTerritoryId");
        await AssertInvalidAsync(await attacker.Territories.SendAsync(HttpMethod.Post, "/", new { name = "Managed", managerId = victim.UserId }), "managerId");
        Assert.Empty(await ListAsync(attacker.Territories));
        Assert.Empty(await ListAsync(attacker.Companies, $"?filter[territoryId]={id}"));
        Assert.Equal("EMEA", (await GetAsync(victim.Territories, id)).Body.GetProperty("name").GetString());
    }
}
