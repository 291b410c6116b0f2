using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.SavedViews;

public sealed class SavedViewCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_saved_view_stores_the_list_query_and_its_list_path_runs_it()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        foreach (var (name, stage, score) in new[] { ("Ada", "customer", 90), ("Bob", "customer", 40), ("Cy", "lead", 95), ("Di", "customer", 70) })
        {
            var id = await CreateIdAsync(api.Contacts, new { firstName = name, email = $"{name.ToLowerInvariant()}@x.com", lifecycleStage = stage, leadScore = score });
            if (name != "Di")
            {
                await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{id}/tags/{vip}"), HttpStatusCode.NoContent);
            }
        }

        var (view, etag) = await api.SavedViews.CreateAsync(new
        {
            name = "Hot customers", objectType = "contact",
            filters = new { lifecycleStage = "customer", leadScore = new { gte = 50 }, tag = new { @in = new[] { "vip", "gold" } } },
            sort = "-leadScore", columns = new[] { "firstName", "email", "customFields.tier" }, isDefault = true,
        });
        Assert.Equal("customer", view.GetProperty("filters").GetProperty("lifecycleStage").GetProperty("eq").GetString());
        Assert.Equal(api.UserId, view.GetProperty("createdBy").GetGuid());
        Assert.Equal("private", view.GetProperty("visibility").GetString());
        var listPath = view.GetProperty("listPath").GetString()!;
        Assert.StartsWith("/api/v1/contacts?", listPath);
        Assert.Equal(["ada@x.com"], await ListAsync(api.Root, listPath[1..], "email"));

        // A merge patch changes the filters field by field; the list path follows.
        var id2 = view.GetProperty("id").GetGuid();
        using (var patch = await api.SavedViews.SendAsync(HttpMethod.Patch, $"/{id2}", """{"filters":{"tag":null,"leadScore":{"gte":30}},"q":"a"}""", etag))
        {
            var patched = await api.SavedViews.ReadAsync(patch);
            Assert.False(patched.GetProperty("filters").TryGetProperty("tag", out _));
            Assert.Equal(["ada@x.com"], await ListAsync(api.Root, patched.GetProperty("listPath").GetString()![1..], "email"));
            etag = patch.Headers.ETag!.ToString();
        }
        using (var patch = await api.SavedViews.SendAsync(HttpMethod.Patch, $"/{id2}", """{"q":null}""", etag))
        {
            var patched = await api.SavedViews.ReadAsync(patch);
            Assert.Equal(["ada@x.com", "di@x.com", "bob@x.com"], await ListAsync(api.Root, patched.GetProperty("listPath").GetString()![1..], "email"));
            etag = patch.Headers.ETag!.ToString();
        }

        // One default view per owner and object type.
        using (var second = await api.SavedViews.SendAsync(HttpMethod.Post, "/", new { name = "Other", objectType = "contact", isDefault = true }))
        {
            var problem = await Auth.AuthApi.AssertProblemAsync(second, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("isDefault", out _));
        }
        await api.SavedViews.CreateAsync(new { name = "Companies", objectType = "company", isDefault = true });
        Assert.Equal(["Companies", "Hot customers"], await ListAsync(api.SavedViews));

        await AssertStatusAsync(await api.SavedViews.SendAsync(HttpMethod.Delete, $"/{id2}", ifMatch: etag), HttpStatusCode.NoContent);
        Assert.Equal(["Companies"], await ListAsync(api.SavedViews));
        await AssertStatusAsync(await api.SavedViews.SendAsync(HttpMethod.Post, $"/{id2}/restore"), HttpStatusCode.OK);
        Assert.Equal(["restored", "deleted", "updated", "updated", "created"], (await api.AuditOfAsync("saved_view", id2)).Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_view_that_would_not_run_is_400_naming_the_filter()
    {
        var api = await RegisterAsync(factory);
        var cases = new (object Body, string[] Fields)[]
        {
            (new { name = "V", objectType = "contact", filters = new { nope = "x" } }, ["filters.nope.eq"]),
            (new { name = "V", objectType = "contact", filters = new { leadScore = new { near = 5 } } }, ["filters.leadScore.near"]),
            (new { name = "V", objectType = "contact", filters = new { leadScore = new { gte = "lots" } } }, ["filters.leadScore.gte"]),
            (new { name = "V", objectType = "contact", filters = new { lifecycleStage = "prospect" } }, ["filters.lifecycleStage.eq"]),
            (new { name = "V", objectType = "contact", filters = new { firstName = new { gt = "A" } } }, ["filters.firstName.gt"]),
            (new { name = "V", objectType = "contact", filters = new { leadScore = new { eq = new[] { 1, 2 } } } }, ["filters.leadScore.eq"]),
            (new { name = "V", objectType = "contact", filters = new { leadScore = new { } } }, ["filters.leadScore"]),
            (new { name = "V", objectType = "contact", filters = new { tag = new { startsWith = "v" } } }, ["filters.tag.startsWith"]),
            (new { name = "V", objectType = "company", filters = new { leadScore = 5 } }, ["filters.leadScore.eq"]),
            (new { name = "V", objectType = "contact", sort = "-phone" }, ["sort"]),
            (new { name = "V", objectType = "contact", columns = new[] { "email", "shoeSize" } }, ["columns[1]"]),
            (new { name = "V", objectType = "contact", columns = new[] { "email", "email" } }, ["columns[1]"]),
            (new { name = "V", objectType = "contact", visibility = "team" }, ["teamId"]),
            (new { name = "V", objectType = "contact", teamId = Guid.CreateVersion7() }, ["teamId"]),
            (new { name = "V", objectType = "contact", visibility = "team", teamId = Guid.CreateVersion7() }, ["teamId"]),
            (new { name = "Tickets", objectType = "ticket" }, ["objectType"]),
        };
        foreach (var (body, fields) in cases)
        {
            using var response = await api.SavedViews.SendAsync(HttpMethod.Post, "/", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{System.Text.Json.JsonSerializer.Serialize(body)}: {response.StatusCode}");
            var errors = (await Auth.AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(
                fields.Order().SequenceEqual(errors.EnumerateObject().Select(e => e.Name).Order()),
                $"{System.Text.Json.JsonSerializer.Serialize(body)}: expected errors on {string.Join(", ", fields)}, got {errors}");
        }
        Assert.Empty(await ListAsync(api.SavedViews));
    }
}
