using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.CompanyContacts;

namespace Crm.Api.Tests.ContactRelationships;

public sealed class ContactRelationshipTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_relationship_shows_from_both_contacts_with_the_inverse_type_from_the_other()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");
        var cat = await api.CreateContactAsync("Cat");

        var reports = await api.RelateAsync(ann, bob, "reports_to", "  Since the merger ");
        Assert.Equal("reports_to", reports.GetProperty("type").GetString());
        Assert.False(reports.GetProperty("inverse").GetBoolean());
        Assert.Equal(ann, reports.GetProperty("contactId").GetGuid());
        Assert.Equal(bob, reports.GetProperty("relatedContactId").GetGuid());
        Assert.Equal("Since the merger", reports.GetProperty("description").GetString());
        Assert.Equal("Bob Doe", reports.GetProperty("relatedContact").GetProperty("name").GetString());
        await api.RelateAsync(cat, ann, "colleague");

        var fromBob = Assert.Single(await api.RelationshipsOfAsync(bob));
        Assert.Equal(reports.GetProperty("id").GetGuid(), fromBob.GetProperty("id").GetGuid());
        Assert.Equal("manages", fromBob.GetProperty("type").GetString());
        Assert.True(fromBob.GetProperty("inverse").GetBoolean());
        Assert.Equal(bob, fromBob.GetProperty("contactId").GetGuid());
        Assert.Equal(ann, fromBob.GetProperty("relatedContactId").GetGuid());
        Assert.Equal("Ann", fromBob.GetProperty("relatedContact").GetProperty("firstName").GetString());

        var fromAnn = await api.RelationshipsOfAsync(ann);
        Assert.Equal([("reports_to", "Bob"), ("colleague", "Cat")],
            fromAnn.Select(r => (r.GetProperty("type").GetString(), r.GetProperty("relatedContact").GetProperty("firstName").GetString())));
        Assert.Equal([true], (await api.RelationshipsOfAsync(ann, $"?filter[relatedContactId]={cat}")).Select(r => r.GetProperty("inverse").GetBoolean()));
        Assert.Equal(["Cat"], (await api.RelationshipsOfAsync(ann, "?q=cat")).Select(r => r.GetProperty("relatedContact").GetProperty("firstName").GetString()));

        using var get = await api.Contacts.SendAsync(HttpMethod.Get, $"/{bob}/relationships/{reports.GetProperty("id").GetGuid()}");
        Assert.Equal("manages", (await api.Contacts.ReadAsync(get)).GetProperty("type").GetString());
        using var notCats = await api.Contacts.SendAsync(HttpMethod.Get, $"/{cat}/relationships/{reports.GetProperty("id").GetGuid()}");
        await AuthApi.AssertProblemAsync(notCats, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_duplicate_is_409_also_stored_the_other_way_round_with_the_inverse_type()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");
        await api.RelateAsync(ann, bob, "reports_to");
        await api.RelateAsync(ann, bob, "partner");

        foreach (var (from, to, type) in new[] { (ann, bob, "reports_to"), (bob, ann, "manages"), (bob, ann, "partner"), (ann, bob, "partner") })
        {
            using var response = await api.PostRelationshipAsync(from, new { relatedContactId = to, type });
            var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("relatedContactId", out _));
        }
        Assert.Equal(2, (await api.RelationshipsOfAsync(bob)).Length);
    }

    [Fact]
    public async Task Concurrent_posts_of_a_relationship_and_its_inverse_store_it_once()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => i % 2 == 0
            ? api.PostRelationshipAsync(ann, new { relatedContactId = bob, type = "reports_to" })
            : api.PostRelationshipAsync(bob, new { relatedContactId = ann, type = "manages" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        Assert.Single(await api.RelationshipsOfAsync(ann));
    }

    [Fact]
    public async Task Bad_bodies_are_400_per_field_and_an_unknown_contact_404()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");

        foreach (var (body, fields) in new (object, string[])[]
                 {
                     (new { }, ["relatedContactId", "type"]),
                     (new { relatedContactId = bob, type = "boss" }, ["type"]),
                     (new { relatedContactId = ann, type = "colleague" }, ["relatedContactId"]),
                     (new { relatedContactId = Guid.NewGuid(), type = "colleague" }, ["relatedContactId"]),
                     (new { relatedContactId = bob, type = "colleague", description = new string('d', 2001) }, ["description"]),
                     (new { relatedContactId = bob, type = "colleague", strength = 5 }, ["strength"]),
                 })
        {
            using var response = await api.PostRelationshipAsync(ann, body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.All(fields, field => Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}"));
        }
        Assert.Empty(await api.RelationshipsOfAsync(ann));

        var unknown = Guid.NewGuid();
        using (var post = await api.PostRelationshipAsync(unknown, new { relatedContactId = bob, type = "colleague" }))
        {
            await AuthApi.AssertProblemAsync(post, HttpStatusCode.NotFound);
        }
        using (var list = await api.Contacts.SendAsync(HttpMethod.Get, $"/{unknown}/relationships"))
        {
            await AuthApi.AssertProblemAsync(list, HttpStatusCode.NotFound);
        }
        using (var delete = await api.Contacts.SendAsync(HttpMethod.Delete, $"/{ann}/relationships/{unknown}"))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Delete_from_either_contact_removes_it_for_both_with_audit_rows()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");
        var relationship = await api.RelateAsync(ann, bob, "vendor", "Supplies paper");
        var path = $"/{bob}/relationships/{relationship.GetProperty("id").GetGuid()}";

        using (var delete = await api.Contacts.SendAsync(HttpMethod.Delete, path))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Empty(await api.RelationshipsOfAsync(ann));
        Assert.Empty(await api.RelationshipsOfAsync(bob));
        using (var again = await api.Contacts.SendAsync(HttpMethod.Delete, path))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.NotFound);
        }

        var audit = await api.AuditOfAsync("contact_relationship", relationship.GetProperty("id").GetGuid());
        Assert.Equal(["deleted", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        var created = audit[1].GetProperty("newValues");
        Assert.Equal(ann, created.GetProperty("contactId").GetGuid());
        Assert.Equal(bob, created.GetProperty("relatedContactId").GetGuid());
        Assert.Equal("vendor", created.GetProperty("type").GetString());
        Assert.Equal("Supplies paper", audit[0].GetProperty("oldValues").GetProperty("description").GetString());

        // Gone for good: the same relationship may be created again.
        await api.RelateAsync(bob, ann, "vendor");
    }

    [Fact]
    public async Task A_deleted_contact_leaves_the_relationship_lists_of_the_others()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");
        var cat = await api.CreateContactAsync("Cat");
        var withBob = await api.RelateAsync(ann, bob, "customer");
        await api.RelateAsync(cat, ann, "partner");

        await api.DeleteContactAsync(bob);
        Assert.Equal(["Cat"], (await api.RelationshipsOfAsync(ann)).Select(r => r.GetProperty("relatedContact").GetProperty("firstName").GetString()));
        using (var list = await api.Contacts.SendAsync(HttpMethod.Get, $"/{bob}/relationships"))
        {
            await AuthApi.AssertProblemAsync(list, HttpStatusCode.NotFound);
        }
        using (var delete = await api.Contacts.SendAsync(HttpMethod.Delete, $"/{ann}/relationships/{withBob.GetProperty("id").GetGuid()}"))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.NotFound);
        }
        using (var relate = await api.PostRelationshipAsync(ann, new { relatedContactId = bob, type = "colleague" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(relate, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("relatedContactId", out _));
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_response()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var ann = await api.CreateContactAsync("Ann");
        var bob = await api.CreateContactAsync("Bob");
        var key = Guid.NewGuid().ToString();

        using var first = await api.PostRelationshipAsync(ann, new { relatedContactId = bob, type = "colleague" }, key);
        using var second = await api.PostRelationshipAsync(ann, new { relatedContactId = bob, type = "colleague" }, key);
        var (a, b) = (await api.Contacts.ReadAsync(first, HttpStatusCode.Created), await api.Contacts.ReadAsync(second, HttpStatusCode.Created));
        Assert.Equal(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
        Assert.Single(await api.RelationshipsOfAsync(ann));
    }
}
