using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

public sealed class CompanyBatchTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_batch_creates_every_item_with_an_audit_row_each()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        using var response = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new[] { new { name = "B1", domain = "b1.com" }, new { name = "B2", domain = "b2.com" } } });
        var created = (await api.ReadAsync(response)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["B1", "B2"], created.Select(c => c.GetProperty("name").GetString()));
        foreach (var company in created)
        {
            Assert.Equal("created", Assert.Single(await api.AuditOfAsync(company.GetProperty("id").GetGuid())).GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task An_invalid_item_names_its_index_and_nothing_is_created()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        await api.CreateAsync(new { name = "Existing", domain = "taken.com" });
        var items = Enumerable.Range(0, 5).Select(i => (object)new { name = $"Item {i}" }).ToList();
        items[3] = new { name = "" };
        items[4] = new { name = "Dup", domain = "item.com", healthScore = 200 };
        items[2] = new { name = "Dup", domain = "item.com" };
        using (var invalid = await api.SendAsync(HttpMethod.Post, "/batch", new { items }))
        {
            var errors = (await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("items[3].name", out _));
            Assert.True(errors.TryGetProperty("items[4].healthScore", out _));
            Assert.True(errors.TryGetProperty("items[4].domain", out _));
        }
        using (var conflict = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new[] { new { name = "New", domain = "new.com" }, new { name = "Taken", domain = "taken.com" } } }))
        {
            await AuthApi.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        }
        Assert.Equal(["Existing"], await api.ListNamesAsync());
    }

    [Fact]
    public async Task More_than_100_items_is_413_and_an_empty_or_malformed_batch_is_400()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        using (var tooMany = await api.SendAsync(HttpMethod.Post, "/batch", new { items = Enumerable.Range(0, 101).Select(i => new { name = $"N{i}" }) }))
        {
            await AuthApi.AssertProblemAsync(tooMany, HttpStatusCode.RequestEntityTooLarge);
        }
        using (var empty = await api.SendAsync(HttpMethod.Post, "/batch", new { items = Array.Empty<object>() }))
        {
            await AuthApi.AssertProblemAsync(empty, HttpStatusCode.BadRequest);
        }
        using (var notJson = await api.SendAsync(HttpMethod.Post, "/batch", "{\"items\": ["))
        {
            await AuthApi.AssertProblemAsync(notJson, HttpStatusCode.BadRequest);
        }
        Assert.Empty(await api.ListNamesAsync());
    }
}
