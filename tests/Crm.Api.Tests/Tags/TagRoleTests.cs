using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Tags;

public sealed class TagRoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_reads_tags_and_record_tags_but_cannot_write_or_tag()
    {
        var owner = await RegisterAsync(factory);
        var viewer = await JoinAsync(factory, owner, "viewer");
        var (tag, etag) = await owner.Tags.CreateAsync(new { name = "VIP" });
        var tagId = tag.GetProperty("id").GetGuid();
        var contact = await CreateIdAsync(owner.Contacts, new { firstName = "Ada" });
        await AssertStatusAsync(await owner.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{tagId}"), HttpStatusCode.NoContent);

        Assert.Equal(["VIP"], await ListAsync(viewer.Tags));
        Assert.Equal(["VIP"], await ListAsync(viewer.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { name = "New" }, null),
                     (HttpMethod.Patch, $"/{tagId}", new { name = "Changed" }, etag),
                     (HttpMethod.Delete, $"/{tagId}", null, etag),
                 })
        {
            await AssertStatusAsync(await viewer.Tags.SendAsync(method, path, body, ifMatch), HttpStatusCode.Forbidden);
        }
        await AssertStatusAsync(await viewer.Contacts.SendAsync(HttpMethod.Delete, $"/{contact}/tags/{tagId}"), HttpStatusCode.Forbidden);
        await AssertStatusAsync(await viewer.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{tagId}"), HttpStatusCode.Forbidden);
        Assert.Equal(["VIP"], await ListAsync(owner.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));
    }

    [Fact]
    public async Task A_rep_with_scope_own_uses_every_tag_but_tags_only_records_they_see()
    {
        var owner = await RegisterAsync(factory);
        var rep = await JoinAsync(factory, owner, "sales_rep", "own");
        var tagId = await CreateIdAsync(owner.Tags, new { name = "VIP" });
        var ownersContact = await CreateIdAsync(owner.Contacts, new { firstName = "Owner's", email = "owners@x.com" });
        await AssertStatusAsync(await owner.Contacts.SendAsync(HttpMethod.Put, $"/{ownersContact}/tags/{tagId}"), HttpStatusCode.NoContent);
        var repsContact = await CreateIdAsync(rep.Contacts, new { firstName = "Rep's", email = "reps@x.com" });

        await AssertStatusAsync(await rep.Contacts.SendAsync(HttpMethod.Put, $"/{ownersContact}/tags/{tagId}"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await rep.Contacts.SendAsync(HttpMethod.Get, $"/{ownersContact}/tags"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await rep.Contacts.SendAsync(HttpMethod.Put, $"/{repsContact}/tags/{tagId}"), HttpStatusCode.NoContent);
        Assert.Equal(["reps@x.com"], await ListAsync(rep.Contacts, "?filter[tag]=vip", "email"));
        Assert.Equal(["owners@x.com", "reps@x.com"], await ListAsync(owner.Contacts, "?filter[tag]=vip&sort=email", "email"));

        // Tags are the workspace's: a rep creates them like anyone who writes.
        await rep.Tags.CreateAsync(new { name = "Hot" });
        Assert.Equal(["Hot", "VIP"], await ListAsync(owner.Tags));
    }
}
