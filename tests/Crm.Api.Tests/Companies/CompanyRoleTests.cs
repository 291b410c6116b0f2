using System.Net;
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
}
