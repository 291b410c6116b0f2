using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Tags;

public sealed class TagCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_tag_is_created_listed_patched_deleted_and_restored_and_its_name_is_unique_regardless_of_case()
    {
        var api = await RegisterAsync(factory);
        var (vip, _) = await api.Tags.CreateAsync(new { name = "  VIP ", color = "#1e90ff", description = "Top accounts" });
        Assert.Equal("VIP", vip.GetProperty("name").GetString());
        Assert.Equal("#1E90FF", vip.GetProperty("color").GetString());
        var id = vip.GetProperty("id").GetGuid();
        var (gold, _) = await api.Tags.CreateAsync(new { name = "Gold" });
        Assert.Equal("#808080", gold.GetProperty("color").GetString());

        using (var duplicate = await api.Tags.SendAsync(HttpMethod.Post, "/", new { name = "vip" }))
        {
            var problem = await Auth.AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        }
        Assert.Equal(["Gold", "VIP"], await ListAsync(api.Tags));
        Assert.Equal(["VIP"], await ListAsync(api.Tags, "?q=vi"));

        var (_, etag) = await GetAsync(api.Tags, id);
        using (var patch = await api.Tags.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "Very important", color = "#00AA00" }, etag))
        {
            Assert.Equal("#00AA00", (await api.Tags.ReadAsync(patch)).GetProperty("color").GetString());
        }
        (_, etag) = await GetAsync(api.Tags, id);
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.NoContent);
        Assert.Equal(["Gold"], await ListAsync(api.Tags));

        // While it is deleted, its name is free; restoring it then is a conflict.
        var (again, _) = await api.Tags.CreateAsync(new { name = "very IMPORTANT" });
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Post, $"/{id}/restore"), HttpStatusCode.Conflict);
        (_, etag) = await GetAsync(api.Tags, again.GetProperty("id").GetGuid());
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Delete, $"/{again.GetProperty("id").GetGuid()}", ifMatch: etag), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Post, $"/{id}/restore"), HttpStatusCode.OK);
        Assert.Equal(["Gold", "Very important"], await ListAsync(api.Tags));

        Assert.Equal(["restored", "deleted", "updated", "created"], (await api.AuditOfAsync("tag", id)).Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task An_invalid_tag_is_400_naming_each_field()
    {
        var api = await RegisterAsync(factory);
        await AssertInvalidAsync(await api.Tags.SendAsync(HttpMethod.Post, "/", new { name = " ", color = "red" }), "name", "color");
        await AssertInvalidAsync(await api.Tags.SendAsync(HttpMethod.Post, "/", new { name = new string('x', 101) }), "name");
        await AssertInvalidAsync(await api.Tags.SendAsync(HttpMethod.Post, "/", new { name = "Star", icon = "star" }), "icon");
        await AssertInvalidAsync(
            await api.Tags.SendAsync(HttpMethod.Post, "/batch", new { items = new object[] { new { name = "A" }, new { name = "a" }, new { name = "B", color = "#12345" } } }),
            "items[1].name", "items[2].color");
        Assert.Empty(await ListAsync(api.Tags));
    }
}
