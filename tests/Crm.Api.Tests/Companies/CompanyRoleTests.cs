using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

public sealed class CompanyRoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_reads_but_cannot_write()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var viewer = await CompanyApi.JoinAsync(factory, owner, "viewer", "all");
        var (company, etag) = await owner.CreateAsync(new { name = "Read only" });
        var id = company.GetProperty("id").GetGuid();

        Assert.Equal(["Read only"], await viewer.ListNamesAsync());
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { name = "New" }, null),
                     (HttpMethod.Post, "/batch", new { items = new[] { new { name = "New" } } }, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Changed" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{id}/restore", null, null),
                 })
        {
            using var response = await viewer.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        Assert.Equal(["Read only"], await owner.ListNamesAsync());
    }

    [Fact]
    public async Task A_sales_rep_with_scope_own_sees_and_changes_only_their_companies()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "own");
        var (theirs, theirEtag) = await owner.CreateAsync(new { name = "Owner's" });
        var (mine, mineEtag) = await rep.CreateAsync(new { name = "Rep's" });
        Assert.Equal(rep.UserId, mine.GetProperty("ownerId").GetGuid());

        Assert.Equal(["Rep's"], await rep.ListNamesAsync());
        Assert.Equal(2, (await owner.ListNamesAsync()).Count);
        using (var read = await rep.SendAsync(HttpMethod.Get, $"/{theirs.GetProperty("id").GetGuid()}"))
        {
            await AuthApi.AssertProblemAsync(read, HttpStatusCode.NotFound);
        }
        using (var patch = await rep.SendAsync(HttpMethod.Patch, $"/{theirs.GetProperty("id").GetGuid()}", new { name = "X" }, theirEtag))
        {
            await AuthApi.AssertProblemAsync(patch, HttpStatusCode.NotFound);
        }
        using (var patchOwn = await rep.SendAsync(HttpMethod.Patch, $"/{mine.GetProperty("id").GetGuid()}", new { industry = "Retail" }, mineEtag))
        {
            Assert.Equal(HttpStatusCode.OK, patchOwn.StatusCode);
        }
        using (var giveAway = await rep.SendAsync(HttpMethod.Post, "/", new { name = "For the boss", ownerId = owner.UserId }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(giveAway, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("ownerId", out _));
        }
        using var audit = await rep.GetAuditAsync("");
        await AuthApi.AssertProblemAsync(audit, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_soft_deleted_team_no_longer_makes_teammates()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "team");
        var mate = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "own");
        var teamId = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO teams (id, workspace_id, name) VALUES ($1, $2, 'Closers')", teamId, owner.WorkspaceId);
        foreach (var user in new[] { rep.UserId, mate.UserId })
        {
            await ExecuteAsync("INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ($1, $2, $3)", owner.WorkspaceId, teamId, user);
        }
        await mate.CreateAsync(new { name = "Mate's" });
        Assert.Equal(["Mate's"], await rep.ListNamesAsync());

        await ExecuteAsync("UPDATE teams SET deleted_at = now() WHERE id = $1", teamId);
        Assert.Empty(await rep.ListNamesAsync());
    }

    [Fact]
    public async Task With_scope_own_or_team_a_record_keeps_an_owner_and_with_scope_all_it_may_have_none()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        foreach (var scope in new[] { "own", "team" })
        {
            var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", scope);
            var (mine, etag) = await rep.CreateAsync(new { name = $"Rep's ({scope})", ownerId = (Guid?)null });
            Assert.Equal(rep.UserId, mine.GetProperty("ownerId").GetGuid());
            using var orphan = await rep.SendAsync(HttpMethod.Patch, $"/{mine.GetProperty("id").GetGuid()}", new { ownerId = (Guid?)null }, etag);
            Assert.True((await AuthApi.AssertProblemAsync(orphan, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("ownerId", out _));
            using var batch = await rep.SendAsync(HttpMethod.Post, "/batch", "{\"items\":[{\"name\":\"B\",\"ownerId\":null}]}");
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
            Assert.Contains($"Rep's ({scope})", await rep.ListNamesAsync());
        }

        var (company, companyEtag) = await owner.CreateAsync(new { name = "Nobody's" });
        using var cleared = await owner.SendAsync(HttpMethod.Patch, $"/{company.GetProperty("id").GetGuid()}", new { ownerId = (Guid?)null }, companyEtag);
        var body = await owner.ReadAsync(cleared);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ownerId").ValueKind);
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        await command.ExecuteNonQueryAsync();
    }
}
