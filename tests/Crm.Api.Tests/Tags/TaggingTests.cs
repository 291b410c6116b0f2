using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Tags;

/// <summary>Tags on contacts and companies: idempotent PUT and DELETE, the record's tags, filter[tag], audit rows.</summary>
public sealed class TaggingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Tagging_and_untagging_a_contact_is_idempotent_and_audited_once_each()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        var gold = await CreateIdAsync(api.Tags, new { name = "Gold" });
        var contact = await CreateIdAsync(api.Contacts, new { firstName = "Ada" });

        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{vip}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{vip}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{gold}"), HttpStatusCode.NoContent);
        Assert.Equal(["Gold", "VIP"], await ListAsync(api.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));

        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Delete, $"/{contact}/tags/{gold}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Delete, $"/{contact}/tags/{gold}"), HttpStatusCode.NoContent);
        Assert.Equal(["VIP"], await ListAsync(api.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));

        var audit = await api.AuditOfAsync("contact", contact);
        Assert.Equal(["untagged", "tagged", "tagged", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("Gold", audit[0].GetProperty("oldValues").GetProperty("tagName").GetString());
        Assert.Equal(vip, audit[2].GetProperty("newValues").GetProperty("tagId").GetGuid());

        // Unknown tag, unknown record: 404 naming which.
        using (var noTag = await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{Guid.CreateVersion7()}"))
        {
            Assert.Contains("tag", (await Auth.AuthApi.AssertProblemAsync(noTag, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        }
        using (var noContact = await api.Contacts.SendAsync(HttpMethod.Put, $"/{Guid.CreateVersion7()}/tags/{vip}"))
        {
            Assert.Contains("contact", (await Auth.AuthApi.AssertProblemAsync(noContact, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Contacts_and_companies_filter_by_tag_id_or_name()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        var gold = await CreateIdAsync(api.Tags, new { name = "Gold" });
        var ada = await CreateIdAsync(api.Contacts, new { firstName = "Ada", email = "ada@x.com" });
        var bob = await CreateIdAsync(api.Contacts, new { firstName = "Bob", email = "bob@x.com" });
        await CreateIdAsync(api.Contacts, new { firstName = "Cy", email = "cy@x.com" });
        var acme = await CreateIdAsync(api.Companies, new { name = "Acme" });
        await CreateIdAsync(api.Companies, new { name = "Globex" });
        foreach (var path in new[] { $"/{ada}/tags/{vip}", $"/{bob}/tags/{vip}", $"/{bob}/tags/{gold}" })
        {
            await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, path), HttpStatusCode.NoContent);
        }
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Put, $"/{acme}/tags/{gold}"), HttpStatusCode.NoContent);

        Assert.Equal(["ada@x.com", "bob@x.com"], await ListAsync(api.Contacts, "?filter[tag]=vip&sort=email", "email"));
        Assert.Equal(["ada@x.com", "bob@x.com"], await ListAsync(api.Contacts, $"?filter[tag]={vip}&sort=email", "email"));
        Assert.Equal(["bob@x.com"], await ListAsync(api.Contacts, "?filter[tag]=GOLD", "email"));
        Assert.Equal(["ada@x.com", "bob@x.com"], await ListAsync(api.Contacts, $"?filter[tag][in]=gold,{vip}&sort=email", "email"));
        Assert.Equal(["bob@x.com"], await ListAsync(api.Contacts, "?filter[tag]=gold&filter[firstName][startsWith]=B", "email"));
        Assert.Empty(await ListAsync(api.Contacts, "?filter[tag]=nobody", "email"));
        Assert.Equal(["Acme"], await ListAsync(api.Companies, "?filter[tag]=Gold"));
        Assert.Empty(await ListAsync(api.Companies, "?filter[tag]=VIP"));

        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Get, "/?filter[tag][gt]=vip"), "filter[tag][gt]");
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Get, "/?filter[tags]=vip"), "filter[tags]");
    }

    [Fact]
    public async Task A_list_filtered_by_tag_pages_with_a_cursor_bound_to_the_tag()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        foreach (var name in new[] { "a", "b", "c" })
        {
            var id = await CreateIdAsync(api.Contacts, new { firstName = name, email = $"{name}@x.com" });
            await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{id}/tags/{vip}"), HttpStatusCode.NoContent);
        }
        await CreateIdAsync(api.Contacts, new { firstName = "untagged", email = "u@x.com" });

        var emails = new List<string>();
        string? cursor = null;
        do
        {
            using var response = await api.Contacts.SendAsync(HttpMethod.Get, $"/?filter[tag]=vip&sort=email&limit=2&includeTotal=true{(cursor is null ? "" : $"&cursor={cursor}")}");
            var page = await api.Contacts.ReadAsync(response);
            Assert.Equal(3, page.GetProperty("total").GetInt32());
            emails.AddRange(page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("email").GetString()!));
            cursor = page.GetProperty("hasMore").GetBoolean() ? page.GetProperty("nextCursor").GetString() : null;
            if (cursor is not null)
            {
                await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Get, $"/?filter[tag]=gold&sort=email&limit=2&cursor={cursor}"), "cursor");
            }
        }
        while (cursor is not null);
        Assert.Equal(["a@x.com", "b@x.com", "c@x.com"], emails);
    }

    [Fact]
    public async Task A_deleted_tag_leaves_every_record_and_a_restore_puts_it_back()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        var contact = await CreateIdAsync(api.Contacts, new { firstName = "Ada", email = "ada@x.com" });
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{vip}"), HttpStatusCode.NoContent);

        var (_, etag) = await GetAsync(api.Tags, vip);
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Delete, $"/{vip}", ifMatch: etag), HttpStatusCode.NoContent);
        Assert.Empty(await ListAsync(api.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));
        Assert.Empty(await ListAsync(api.Contacts, "?filter[tag]=vip", "email"));
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{vip}"), HttpStatusCode.NotFound);

        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Post, $"/{vip}/restore"), HttpStatusCode.OK);
        Assert.Equal(["VIP"], await ListAsync(api.Contacts.WithResource($"/api/v1/contacts/{contact}/tags")));
        Assert.Equal(["ada@x.com"], await ListAsync(api.Contacts, "?filter[tag]=vip", "email"));
    }

    [Fact]
    public async Task A_deleted_record_has_no_tags_to_read_or_change()
    {
        var api = await RegisterAsync(factory);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP" });
        var (company, etag) = await api.Companies.CreateAsync(new { name = "Acme" });
        var id = company.GetProperty("id").GetGuid();
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Put, $"/{id}/tags/{vip}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.NoContent);

        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Get, $"/{id}/tags"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Delete, $"/{id}/tags/{vip}"), HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(api.Companies, "?filter[tag]=vip"));
        await AssertStatusAsync(await api.Companies.SendAsync(HttpMethod.Post, $"/{id}/restore"), HttpStatusCode.OK);
        Assert.Equal(["Acme"], await ListAsync(api.Companies, "?filter[tag]=vip"));
    }
}
