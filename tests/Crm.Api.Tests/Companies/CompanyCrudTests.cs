using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

public sealed class CompanyCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_company_is_created_read_listed_patched_deleted_and_restored_with_an_audit_row_for_each_change()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var customFields = api.WithResource("/api/v1/custom-fields");
        await customFields.CreateAsync(new { objectType = "company", key = "tier", label = "Tier", fieldType = "text" });
        await customFields.CreateAsync(new { objectType = "company", key = "region", label = "Region", fieldType = "text" });
        using (var created = await api.SendAsync(HttpMethod.Post, "/", new { name = "  Acme  ", domain = "ACME.com", type = "former_customer", annualRevenue = 1200.50m, currency = "eur", customFields = new { tier = "gold" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.NotNull(created.Headers.ETag);
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"/api/v1/companies/{body.GetProperty("id").GetGuid()}", created.Headers.Location!.OriginalString);
            Assert.Equal("Acme", body.GetProperty("name").GetString());
            Assert.Equal("acme.com", body.GetProperty("domain").GetString());
            Assert.Equal("former_customer", body.GetProperty("type").GetString());
            Assert.Equal("EUR", body.GetProperty("currency").GetString());
            Assert.Equal(api.UserId, body.GetProperty("ownerId").GetGuid());
            Assert.Equal("gold", body.GetProperty("customFields").GetProperty("tier").GetString());
        }
        var id = (await api.ReadAsync(await api.SendAsync(HttpMethod.Get, "/?filter[domain]=acme.com"))).GetProperty("data")[0].GetProperty("id").GetGuid();

        using var get = await api.SendAsync(HttpMethod.Get, $"/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var etag = get.Headers.ETag!.ToString();

        using var patch = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "Acme Corp", healthScore = 80, customFields = new { region = "emea" } }, etag);
        var patched = await api.ReadAsync(patch);
        Assert.Equal("Acme Corp", patched.GetProperty("name").GetString());
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
        Assert.DoesNotContain("Acme Corp", await api.ListNamesAsync());

        using (var restore = await api.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal("Acme Corp", (await api.ReadAsync(restore)).GetProperty("name").GetString());
        }
        Assert.Contains("Acme Corp", await api.ListNamesAsync());

        var audit = await api.AuditOfAsync(id);
        Assert.Equal(["restored", "deleted", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.All(audit, a => Assert.Equal(api.UserId, a.GetProperty("actorUserId").GetGuid()));
        Assert.All(audit, a => Assert.Equal(32, a.GetProperty("traceId").GetString()!.Length));
        var created2 = audit[3];
        Assert.Equal(JsonValueKind.Null, created2.GetProperty("oldValues").ValueKind);
        Assert.Equal("acme.com", created2.GetProperty("newValues").GetProperty("domain").GetString());
        var updated = audit[2];
        Assert.Equal("Acme", updated.GetProperty("oldValues").GetProperty("name").GetString());
        Assert.Equal("Acme Corp", updated.GetProperty("newValues").GetProperty("name").GetString());
        Assert.Equal(80, updated.GetProperty("newValues").GetProperty("healthScore").GetInt32());
        Assert.False(updated.GetProperty("newValues").TryGetProperty("domain", out _));
        Assert.Equal(JsonValueKind.Null, audit[1].GetProperty("oldValues").GetProperty("deletedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, audit[0].GetProperty("oldValues").GetProperty("deletedAt").ValueKind);
    }

    [Fact]
    public async Task Invalid_input_answers_400_with_an_error_per_field()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        using var response = await api.SendAsync(HttpMethod.Post, "/", new
        {
            domain = "https://x.com/path", website = "ftp://x", currency = "EURO", healthScore = 101, annualRevenue = -5, employeeCount = 0, email = "nope",
        });
        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "domain", "website", "currency", "healthScore", "annualRevenue", "employeeCount", "email" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        using var wrongType = await api.SendAsync(HttpMethod.Post, "/", new { name = "X", type = "friend", workspaceId = Guid.NewGuid() });
        var typeErrors = (await AuthApi.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(typeErrors.TryGetProperty("type", out _));
        Assert.True(typeErrors.TryGetProperty("workspaceId", out _));

        var (company, etag) = await api.CreateAsync(new { name = "Valid" });
        using var badPatch = await api.SendAsync(HttpMethod.Patch, $"/{company.GetProperty("id").GetGuid()}", new { name = (string?)null }, etag);
        Assert.True((await AuthApi.AssertProblemAsync(badPatch, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task A_duplicate_domain_in_the_workspace_is_409_until_the_first_is_deleted()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var (first, etag) = await api.CreateAsync(new { name = "One", domain = "dup.example.com" });
        using (var duplicate = await api.SendAsync(HttpMethod.Post, "/", new { name = "Two", domain = "DUP.example.com" }))
        {
            await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        }
        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/{first.GetProperty("id").GetGuid()}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        await api.CreateAsync(new { name = "Two", domain = "dup.example.com" });
        using var restore = await api.SendAsync(HttpMethod.Post, $"/{first.GetProperty("id").GetGuid()}/restore");
        await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_deleted_companys_account_number_is_free_again_and_restoring_it_then_is_409()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var (first, etag) = await api.CreateAsync(new { name = "One", accountNumber = "ACC-1" });
        using (var duplicate = await api.SendAsync(HttpMethod.Post, "/", new { name = "Two", accountNumber = "ACC-1" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("accountNumber", out _));
        }
        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/{first.GetProperty("id").GetGuid()}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        await api.CreateAsync(new { name = "Two", accountNumber = "ACC-1" });
        using var restore = await api.SendAsync(HttpMethod.Post, $"/{first.GetProperty("id").GetGuid()}/restore");
        Assert.True((await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("accountNumber", out _));
        Assert.Equal(["Two"], await api.ListNamesAsync());
    }

    [Fact]
    public async Task Patch_and_delete_need_a_current_If_Match()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var (company, etag) = await api.CreateAsync(new { name = "Versioned" });
        var id = company.GetProperty("id").GetGuid();

        using (var missing = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "A" }))
        {
            await AuthApi.AssertProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        }
        using (var missingOnDelete = await api.SendAsync(HttpMethod.Delete, $"/{id}"))
        {
            await AuthApi.AssertProblemAsync(missingOnDelete, HttpStatusCode.PreconditionRequired);
        }
        using (var first = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "B" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        using (var stale = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "C" }, etag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        using (var staleDelete = await api.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            await AuthApi.AssertProblemAsync(staleDelete, HttpStatusCode.PreconditionFailed);
        }
        using var unknown = await api.SendAsync(HttpMethod.Patch, $"/{Guid.CreateVersion7()}", new { name = "D" }, etag);
        await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Of_two_concurrent_patches_with_the_same_ETag_exactly_one_succeeds()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        for (var round = 0; round < 5; round++)
        {
            var (company, etag) = await api.CreateAsync(new { name = $"Race {round}" });
            var id = company.GetProperty("id").GetGuid();
            var responses = await Task.WhenAll(
                api.SendAsync(HttpMethod.Patch, $"/{id}", new { industry = "one" }, etag),
                api.SendAsync(HttpMethod.Patch, $"/{id}", new { industry = "two" }, etag));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
            Assert.Equal(2, (await api.AuditOfAsync(id)).Length);
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Cursor_paging_through_120_companies_returns_each_exactly_once()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        for (var batch = 0; batch < 2; batch++)
        {
            using var response = await api.SendAsync(HttpMethod.Post, "/batch", new { items = Enumerable.Range(0, 60).Select(i => new { name = $"Co {batch * 60 + i:D3}", healthScore = i % 7 }) });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var sort in new[] { "", "&sort=name", "&sort=-healthScore,name" })
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
        using var total = await api.SendAsync(HttpMethod.Get, "/?limit=1&includeTotal=true&q=Co 11");
        Assert.Equal(10, (await api.ReadAsync(total)).GetProperty("total").GetInt64());
    }
}
