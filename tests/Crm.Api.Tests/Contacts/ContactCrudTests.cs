using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Contacts;

public sealed class ContactCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_contact_is_created_read_listed_patched_deleted_and_restored_with_an_audit_row_for_each_change()
    {
        var api = await ContactApi.RegisterAsync(factory);
        var (company, _) = await api.Companies.CreateAsync(new { name = "Acme" });
        var companyId = company.GetProperty("id").GetGuid();
        var customFields = api.Companies.WithResource("/api/v1/custom-fields");
        await customFields.CreateAsync(new { objectType = "contact", key = "tier", label = "Tier", fieldType = "text" });
        await customFields.CreateAsync(new { objectType = "contact", key = "region", label = "Region", fieldType = "text" });
        using (var created = await api.SendAsync(HttpMethod.Post, "/", new
        {
            firstName = "  Ada ", lastName = "Lovelace", email = "Ada@Example.com", lifecycleStage = "mql", leadScore = 40, companyId,
            customFields = new { tier = "gold" },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.NotNull(created.Headers.ETag);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"/api/v1/contacts/{body.GetProperty("id").GetGuid()}", created.Headers.Location!.OriginalString);
            Assert.Equal("Ada", body.GetProperty("firstName").GetString());
            Assert.Equal("mql", body.GetProperty("lifecycleStage").GetString());
            Assert.Equal("manual", body.GetProperty("source").GetString());
            Assert.Equal(companyId, body.GetProperty("companyId").GetGuid());
            Assert.Equal(api.UserId, body.GetProperty("ownerId").GetGuid());
            Assert.Equal("gold", body.GetProperty("customFields").GetProperty("tier").GetString());
        }
        var id = (await api.ReadAsync(await api.SendAsync(HttpMethod.Get, $"/?filter[companyId]={companyId}&filter[lifecycleStage]=mql")))
            .GetProperty("data")[0].GetProperty("id").GetGuid();
        Assert.Equal(["Ada@Example.com"], await api.ListEmailsAsync("?q=lovelace"));
        Assert.Equal(["Ada@Example.com"], await api.ListEmailsAsync("?filter[leadScore][gte]=40"));
        Assert.Empty(await api.ListEmailsAsync("?filter[leadScore][gt]=40"));

        using var get = await api.SendAsync(HttpMethod.Get, $"/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.ToString();

        using var patch = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { lastName = "King", leadScore = 80, companyId = (Guid?)null, customFields = new { region = "emea" } }, etag);
        var patched = await api.ReadAsync(patch);
        Assert.Equal("King", patched.GetProperty("lastName").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("companyId").ValueKind);
        Assert.Equal("gold", patched.GetProperty("customFields").GetProperty("tier").GetString());
        Assert.Equal("emea", patched.GetProperty("customFields").GetProperty("region").GetString());
        var newEtag = patch.Headers.ETag!.ToString();
        Assert.NotEqual(etag, newEtag);

        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: newEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await api.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            await AuthApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }
        Assert.Empty(await api.ListEmailsAsync());

        using (var restore = await api.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal("King", (await api.ReadAsync(restore)).GetProperty("lastName").GetString());
        }
        Assert.Equal(["Ada@Example.com"], await api.ListEmailsAsync());

        var audit = await api.AuditOfAsync(id);
        Assert.Equal(["restored", "deleted", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.Equal("contact", a.GetProperty("entityType").GetString()));
        Assert.All(audit, a => Assert.Equal(api.UserId, a.GetProperty("actorUserId").GetGuid()));
        Assert.Equal(JsonValueKind.Null, audit[3].GetProperty("oldValues").ValueKind);
        Assert.Equal("Ada@Example.com", audit[3].GetProperty("newValues").GetProperty("email").GetString());
        var updated = audit[2];
        Assert.Equal("Lovelace", updated.GetProperty("oldValues").GetProperty("lastName").GetString());
        Assert.Equal("King", updated.GetProperty("newValues").GetProperty("lastName").GetString());
        Assert.Equal(80, updated.GetProperty("newValues").GetProperty("leadScore").GetInt32());
        Assert.False(updated.GetProperty("newValues").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Invalid_input_answers_400_with_an_error_per_field()
    {
        var api = await ContactApi.RegisterAsync(factory);
        using var response = await api.SendAsync(HttpMethod.Post, "/", new
        {
            email = "nope", website = "ftp://x", leadScore = 101, companyId = Guid.CreateVersion7(), ownerId = Guid.CreateVersion7(),
        });
        var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "firstName", "email", "website", "leadScore", "companyId", "ownerId" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        using var wrongStage = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "X", lifecycleStage = "hot", workspaceId = Guid.NewGuid() });
        var stageErrors = (await AuthApi.AssertProblemAsync(wrongStage, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(stageErrors.TryGetProperty("lifecycleStage", out _));
        Assert.True(stageErrors.TryGetProperty("workspaceId", out _));

        var (contact, etag) = await api.CreateAsync(new { lastName = "Valid", lifecycleStage = "sql" });
        Assert.Equal("sql", contact.GetProperty("lifecycleStage").GetString());
        using var badPatch = await api.SendAsync(HttpMethod.Patch, $"/{contact.GetProperty("id").GetGuid()}", new { lastName = (string?)null }, etag);
        Assert.True((await AuthApi.AssertProblemAsync(badPatch, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("firstName", out _));

        // A deleted company cannot be linked.
        var (company, companyEtag) = await api.Companies.CreateAsync(new { name = "Gone" });
        (await api.Companies.SendAsync(HttpMethod.Delete, $"/{company.GetProperty("id").GetGuid()}", ifMatch: companyEtag)).Dispose();
        using var deletedCompany = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "Y", companyId = company.GetProperty("id").GetGuid() });
        Assert.True((await AuthApi.AssertProblemAsync(deletedCompany, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("companyId", out _));
    }

    [Fact]
    public async Task A_duplicate_email_in_the_workspace_is_409_until_the_first_is_deleted()
    {
        var api = await ContactApi.RegisterAsync(factory);
        var (first, etag) = await api.CreateAsync(new { firstName = "One", email = "dup@example.com" });
        using (var duplicate = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "Two", email = "DUP@example.com" }))
        {
            var problem = await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        }
        var (second, secondEtag) = await api.CreateAsync(new { firstName = "Two", email = "two@example.com" });
        using (var patchDuplicate = await api.SendAsync(HttpMethod.Patch, $"/{second.GetProperty("id").GetGuid()}", new { email = "Dup@Example.com" }, secondEtag))
        {
            await AuthApi.AssertProblemAsync(patchDuplicate, HttpStatusCode.Conflict);
        }
        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/{first.GetProperty("id").GetGuid()}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        await api.CreateAsync(new { firstName = "Three", email = "dup@example.com" });
        using var restore = await api.SendAsync(HttpMethod.Post, $"/{first.GetProperty("id").GetGuid()}/restore");
        await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Patch_and_delete_need_a_current_If_Match()
    {
        var api = await ContactApi.RegisterAsync(factory);
        var (contact, etag) = await api.CreateAsync(new { firstName = "Versioned" });
        var id = contact.GetProperty("id").GetGuid();

        using (var missing = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "A" }))
        {
            await AuthApi.AssertProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        }
        using (var missingOnDelete = await api.SendAsync(HttpMethod.Delete, $"/{id}"))
        {
            await AuthApi.AssertProblemAsync(missingOnDelete, HttpStatusCode.PreconditionRequired);
        }
        using (var first = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "B" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using (var stale = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "C" }, etag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        using (var staleDelete = await api.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            await AuthApi.AssertProblemAsync(staleDelete, HttpStatusCode.PreconditionFailed);
        }
        using var unknown = await api.SendAsync(HttpMethod.Patch, $"/{Guid.CreateVersion7()}", new { firstName = "D" }, etag);
        await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Of_two_concurrent_patches_with_the_same_ETag_exactly_one_succeeds()
    {
        var api = await ContactApi.RegisterAsync(factory);
        for (var round = 0; round < 5; round++)
        {
            var (contact, etag) = await api.CreateAsync(new { firstName = $"Race {round}" });
            var id = contact.GetProperty("id").GetGuid();
            var responses = await Task.WhenAll(
                api.SendAsync(HttpMethod.Patch, $"/{id}", new { title = "one" }, etag),
                api.SendAsync(HttpMethod.Patch, $"/{id}", new { title = "two" }, etag));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
            Assert.Equal(2, (await api.AuditOfAsync(id)).Length);
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Cursor_paging_through_120_contacts_returns_each_exactly_once()
    {
        var api = await ContactApi.RegisterAsync(factory);
        for (var batch = 0; batch < 2; batch++)
        {
            using var response = await api.SendAsync(HttpMethod.Post, "/batch", new
            {
                items = Enumerable.Range(0, 60).Select(i => new { lastName = $"Person {batch * 60 + i:D3}", email = $"p{batch * 60 + i}@example.com", leadScore = i % 7 }),
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var sort in new[] { "", "&sort=lastName", "&sort=-leadScore,email" })
        {
            var seen = new List<Guid>();
            string? cursor = null;
            do
            {
                using var response = await api.SendAsync(HttpMethod.Get, $"/?limit=25{sort}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                var page = await api.ReadAsync(response);
                seen.AddRange(page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
                cursor = page.GetProperty("hasMore").GetBoolean() ? page.GetProperty("nextCursor").GetString() : null;
            }
            while (cursor is not null);
            Assert.Equal(120, seen.Count);
            Assert.Equal(120, seen.Distinct().Count());
        }
        using var total = await api.SendAsync(HttpMethod.Get, "/?limit=1&includeTotal=true&q=Person 11");
        Assert.Equal(10, (await api.ReadAsync(total)).GetProperty("total").GetInt64());
    }
}
