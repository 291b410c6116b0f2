using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

public sealed class LeadCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_lead_is_created_read_listed_patched_deleted_and_restored_with_an_audit_row_for_each_change()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var customFields = api.Companies.WithResource("/api/v1/custom-fields");
        await customFields.CreateAsync(new { objectType = "lead", key = "region", label = "Region", fieldType = "text" });
        await customFields.CreateAsync(new { objectType = "lead", key = "tier", label = "Tier", fieldType = "text" });
        using (var created = await api.SendAsync(HttpMethod.Post, "/", new
        {
            firstName = " Grace ", lastName = "Hopper", email = "Grace@Navy.example", companyName = "Navy Labs", website = "https://www.navy.example",
            title = "Rear Admiral", industry = "Defense", employeeCount = 5000, annualRevenue = 1234567.89m, currency = "usd",
            source = "referral", sourceDetail = "Ada", campaign = "Spring", utmSource = "newsletter", utmMedium = "email",
            utmCampaign = "spring-24", referrerUrl = "https://ref.example/x", landingPageUrl = "https://crm.example/landing",
            firstTouchAt = "2024-03-01T10:00:00Z", lastTouchAt = "2024-03-05T10:00:00Z", status = "working",
            qualificationStatus = "marketing_qualified", interestLevel = "very_high", budget = 50000m, timeline = "Q3",
            decisionMaker = true, painPoints = "Slow compilers", grade = "b", customFields = new { region = "emea" },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.NotNull(created.Headers.ETag);
            var body = await LeadApi.BodyAsync(created);
            Assert.Equal($"/api/v1/leads/{body.GetProperty("id").GetGuid()}", created.Headers.Location!.OriginalString);
            Assert.Equal("Grace", body.GetProperty("firstName").GetString());
            Assert.Equal("USD", body.GetProperty("currency").GetString());
            Assert.Equal("B", body.GetProperty("grade").GetString());
            Assert.Equal("very_high", body.GetProperty("interestLevel").GetString());
            Assert.Equal("marketing_qualified", body.GetProperty("qualificationStatus").GetString());
            Assert.Equal(1234567.89m, body.GetProperty("annualRevenue").GetDecimal());
            Assert.Equal(0, body.GetProperty("score").GetInt32());
            Assert.Equal(api.UserId, body.GetProperty("ownerId").GetGuid());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("convertedAt").ValueKind);
            Assert.Equal("emea", body.GetProperty("customFields").GetProperty("region").GetString());
        }
        await api.CreateAsync(new { lastName = "Other", companyName = "Elsewhere", email = "other@example.com", status = "new" });

        Assert.Equal(["Grace@Navy.example"], await api.ListFieldAsync("email", "?q=navy labs"));
        Assert.Equal(["Grace@Navy.example"], await api.ListFieldAsync("email", "?q=hopper"));
        Assert.Equal(["Grace@Navy.example"], await api.ListFieldAsync("email", "?q=GRACE@"));
        Assert.Equal(["Grace@Navy.example"], await api.ListFieldAsync("email", "?filter[status]=working&filter[decisionMaker]=true"));
        Assert.Equal(["other@example.com"], await api.ListFieldAsync("email", "?filter[qualificationStatus][ne]=marketing_qualified"));
        Assert.Equal(["Grace@Navy.example"], await api.ListFieldAsync("email", "?filter[budget][gte]=10000&filter[source]=referral"));
        Assert.Equal(["other@example.com", "Grace@Navy.example"], await api.ListFieldAsync("email", "?sort=companyName"));
        var id = (await api.ListAsync("?filter[utmCampaign]=spring-24"))[0].GetProperty("id").GetGuid();

        var etag = await api.ETagOfAsync(id);
        using var patch = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { status = "qualified", budget = (decimal?)null, customFields = new { tier = "gold" } }, etag);
        var patched = await api.ReadAsync(patch);
        Assert.Equal("qualified", patched.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("budget").ValueKind);
        Assert.Equal("emea", patched.GetProperty("customFields").GetProperty("region").GetString());
        Assert.Equal("gold", patched.GetProperty("customFields").GetProperty("tier").GetString());
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
        Assert.Equal(["other@example.com"], await api.ListFieldAsync("email"));
        using (var restore = await api.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal("qualified", (await api.ReadAsync(restore)).GetProperty("status").GetString());
        }

        var audit = await api.AuditOfAsync("lead", id);
        Assert.Equal(["restored", "deleted", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        var updated = audit[2];
        Assert.Equal("working", updated.GetProperty("oldValues").GetProperty("status").GetString());
        Assert.Equal("qualified", updated.GetProperty("newValues").GetProperty("status").GetString());
        Assert.Equal(50000m, updated.GetProperty("oldValues").GetProperty("budget").GetDecimal());
        Assert.False(updated.GetProperty("newValues").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Invalid_input_answers_400_with_an_error_per_field()
    {
        var api = await LeadApi.RegisterAsync(factory);
        using var response = await api.SendAsync(HttpMethod.Post, "/", new
        {
            email = "nope", website = "ftp://x", referrerUrl = "x", currency = "dollars", employeeCount = 0, annualRevenue = -1m,
            budget = 0.001m, score = 101, grade = "G", status = "converted", firstTouchAt = "2024-03-05T10:00:00Z",
            lastTouchAt = "2024-03-01T10:00:00Z", utmContent = new string('x', 256), ownerId = Guid.CreateVersion7(),
        });
        var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[]
                 {
                     "firstName", "email", "website", "referrerUrl", "currency", "employeeCount", "annualRevenue", "budget", "score",
                     "grade", "status", "lastTouchAt", "utmContent", "ownerId",
                 })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        using var badEnum = await api.SendAsync(HttpMethod.Post, "/", new { companyName = "X", interestLevel = "lukewarm", convertedAt = "2024-01-01T00:00:00Z" });
        var enumErrors = (await AuthApi.AssertProblemAsync(badEnum, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(enumErrors.TryGetProperty("interestLevel", out _));
        Assert.True(enumErrors.TryGetProperty("convertedAt", out _), "read-only fields are not input");

        // A company name alone is enough for a lead.
        var (lead, etag) = await api.CreateAsync(new { companyName = "Only A Company" });
        using var badPatch = await api.SendAsync(HttpMethod.Patch, $"/{lead.GetProperty("id").GetGuid()}", new { companyName = (string?)null, status = "converted" }, etag);
        var patchErrors = (await AuthApi.AssertProblemAsync(badPatch, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(patchErrors.TryGetProperty("firstName", out _));
        Assert.True(patchErrors.TryGetProperty("status", out _));
        Assert.Empty(await api.ListAsync("?filter[status]=converted"));
    }

    [Fact]
    public async Task Leads_may_share_an_email_and_are_found_by_it_whatever_its_case()
    {
        var api = await LeadApi.RegisterAsync(factory);
        await api.CreateAsync(new { firstName = "First", email = "same@example.com" });
        await api.CreateAsync(new { firstName = "Second", email = "SAME@example.com" });
        Assert.Equal(["Second", "First"], await api.ListFieldAsync("firstName", "?q=same@example.com"));
    }

    [Fact]
    public async Task A_batch_is_all_or_nothing_and_patch_needs_a_current_If_Match()
    {
        var api = await LeadApi.RegisterAsync(factory);
        using (var invalid = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new object[] { new { firstName = "Ok" }, new { email = "x@example.com" } } }))
        {
            var errors = (await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("items[1].firstName", out _));
        }
        Assert.Empty(await api.ListAsync());
        using (var batch = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new object[] { new { firstName = "A" }, new { companyName = "B Corp" } } }))
        {
            Assert.Equal(2, (await api.ReadAsync(batch)).GetProperty("data").GetArrayLength());
        }

        var id = await api.CreateIdAsync(new { firstName = "Versioned" });
        var etag = await api.ETagOfAsync(id);
        using (var missing = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "A" }))
        {
            await AuthApi.AssertProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        }
        (await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "B" }, etag)).Dispose();
        using var stale = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "C" }, etag);
        await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal("B", (await api.GetAsync(id)).GetProperty("firstName").GetString());
    }
}
