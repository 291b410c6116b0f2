using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Contacts;

public sealed class ContactBatchTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_batch_creates_every_item_with_an_audit_row_each()
    {
        var api = await ContactApi.RegisterAsync(factory);
        using var response = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new[] { new { firstName = "B1", email = "b1@x.com" }, new { firstName = "B2", email = "b2@x.com" } } });
        var created = (await api.ReadAsync(response)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["B1", "B2"], created.Select(c => c.GetProperty("firstName").GetString()));
        foreach (var contact in created)
        {
            Assert.Equal("created", Assert.Single(await api.AuditOfAsync(contact.GetProperty("id").GetGuid())).GetProperty("action").GetString());
        }
    }

    [Fact]
    public async Task An_invalid_item_names_its_index_and_nothing_is_created()
    {
        var api = await ContactApi.RegisterAsync(factory);
        await api.CreateAsync(new { firstName = "Existing", email = "taken@x.com" });
        var items = Enumerable.Range(0, 5).Select(i => (object)new { firstName = $"Item {i}", email = $"item{i}@x.com" }).ToList();
        items[3] = new { firstName = "", email = "three@x.com" };
        items[4] = new { firstName = "Dup", email = "DUP@x.com", leadScore = 200 };
        items[2] = new { firstName = "Dup", email = "dup@x.com" };
        using (var invalid = await api.SendAsync(HttpMethod.Post, "/batch", new { items }))
        {
            var errors = (await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("items[3].firstName", out _));
            Assert.True(errors.TryGetProperty("items[4].leadScore", out _));
            Assert.True(errors.TryGetProperty("items[4].email", out _));
        }
        using (var conflict = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new[] { new { firstName = "New", email = "new@x.com" }, new { firstName = "Taken", email = "Taken@x.com" } } }))
        {
            await AuthApi.AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        }
        Assert.Equal(["taken@x.com"], await api.ListEmailsAsync());
    }

    [Fact]
    public async Task More_than_100_items_is_413_and_an_empty_or_malformed_batch_is_400()
    {
        var api = await ContactApi.RegisterAsync(factory);
        using (var tooMany = await api.SendAsync(HttpMethod.Post, "/batch", new { items = Enumerable.Range(0, 101).Select(i => new { firstName = $"N{i}" }) }))
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
        Assert.Empty(await api.ListEmailsAsync());
    }
}
