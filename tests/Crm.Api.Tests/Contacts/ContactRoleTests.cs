using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Contacts;

public sealed class ContactRoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_reads_but_cannot_write()
    {
        var owner = await ContactApi.RegisterAsync(factory);
        var viewer = await ContactApi.JoinAsync(factory, owner, "viewer", "all");
        var (contact, etag) = await owner.CreateAsync(new { firstName = "Read", email = "read@x.com" });
        var id = contact.GetProperty("id").GetGuid();

        Assert.Equal(["read@x.com"], await viewer.ListEmailsAsync());
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { firstName = "New" }, null),
                     (HttpMethod.Post, "/batch", new { items = new[] { new { firstName = "New" } } }, null),
                     (HttpMethod.Patch, $"/{id}", new { firstName = "Changed" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{id}/restore", null, null),
                 })
        {
            using var response = await viewer.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        Assert.Equal(["read@x.com"], await owner.ListEmailsAsync());
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_and_links_only_their_own_records()
    {
        var owner = await ContactApi.RegisterAsync(factory);
        var rep = await ContactApi.JoinAsync(factory, owner, "sales_rep", "own");
        var (ownersCompany, _) = await owner.Companies.CreateAsync(new { name = "Owner's" });
        var (ownersContact, _) = await owner.CreateAsync(new { firstName = "Owner's", email = "owners@x.com" });

        Assert.Empty(await rep.ListEmailsAsync());
        using (var get = await rep.SendAsync(HttpMethod.Get, $"/{ownersContact.GetProperty("id").GetGuid()}"))
        {
            await AuthApi.AssertProblemAsync(get, HttpStatusCode.NotFound);
        }
        using (var link = await rep.SendAsync(HttpMethod.Post, "/", new { firstName = "Mine", companyId = ownersCompany.GetProperty("id").GetGuid() }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(link, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("companyId", out _));
        }
        using (var assign = await rep.SendAsync(HttpMethod.Post, "/", new { firstName = "Mine", ownerId = owner.UserId }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(assign, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("ownerId", out _));
        }
        await rep.CreateAsync(new { firstName = "Mine", email = "mine@x.com" });
        Assert.Equal(["mine@x.com"], await rep.ListEmailsAsync());
        Assert.Equal(2, (await owner.ListEmailsAsync()).Count);
    }
}
