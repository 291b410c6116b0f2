using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_deal_without_pipeline_or_stage_lands_in_the_default_pipelines_first_stage_and_follows_it()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync(currency: "EUR");
        await api.CreateSalesPipelineAsync("Renewals", isDefault: false);

        var (deal, etag) = await api.CreateDealAsync(new { name = "  Big one ", value = 1000 });

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal("Big one", deal.GetProperty("name").GetString());
        Assert.Equal(sales.Id, deal.GetProperty("pipelineId").GetGuid());
        Assert.Equal(sales.Lead, deal.GetProperty("stageId").GetGuid());
        Assert.Equal("open", deal.GetProperty("status").GetString());
        Assert.Equal(10, deal.GetProperty("probability").GetInt32());
        Assert.Equal(100m, deal.GetProperty("weightedValue").GetDecimal());
        Assert.Equal("EUR", deal.GetProperty("currency").GetString());
        Assert.Equal(api.UserId, deal.GetProperty("ownerId").GetGuid());
        Assert.Equal(JsonValueKind.Null, deal.GetProperty("actualCloseDate").ValueKind);
        Assert.Equal("new_business", deal.GetProperty("dealType").GetString());
        Assert.Equal("medium", deal.GetProperty("priority").GetString());
    }

    [Fact]
    public async Task Given_stage_status_and_probability_win_over_the_defaults_and_a_stage_alone_names_its_pipeline()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var renewals = await api.CreateSalesPipelineAsync("Renewals", isDefault: false);

        var (inProposal, _) = await api.CreateDealAsync(new { name = "Renewal", stageId = renewals.Proposal, probability = 70, value = 10.5m });
        Assert.Equal(renewals.Id, inProposal.GetProperty("pipelineId").GetGuid());
        Assert.Equal(70, inProposal.GetProperty("probability").GetInt32());
        Assert.Equal(7.35m, inProposal.GetProperty("weightedValue").GetDecimal());

        var (won, _) = await api.CreateDealAsync(new { name = "Already won", pipelineId = renewals.Id, stageId = renewals.Won });
        Assert.Equal("won", won.GetProperty("status").GetString());
        Assert.Equal(100, won.GetProperty("probability").GetInt32());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), DateOnly.Parse(won.GetProperty("actualCloseDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        var (abandoned, _) = await api.CreateDealAsync(new { name = "Parked", pipelineId = renewals.Id, status = "abandoned" });
        Assert.Equal(renewals.Lead, abandoned.GetProperty("stageId").GetGuid());
        Assert.Equal("abandoned", abandoned.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_input_answers_400_naming_each_field()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.RemoveDefaultPipelineAsync();
        using (var noPipeline = await api.Deals.SendAsync(HttpMethod.Post, "/", new { name = "Nowhere" }))
        {
            var errors = (await AuthApi.AssertProblemAsync(noPipeline, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Contains("no default pipeline", errors.GetProperty("pipelineId")[0].GetString());
        }
        var sales = await api.CreateSalesPipelineAsync();
        var other = await api.CreateSalesPipelineAsync("Other", isDefault: false);
        var (empty, _) = await api.Pipelines.CreateAsync(new { name = "Empty" });

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = " " }, "name"),
                     (new { name = "x", value = -1 }, "value"),
                     (new { name = "x", value = 1.001 }, "value"),
                     (new { name = "x", value = 10_000_000_000_000m }, "value"),
                     (new { name = "x", probability = 101 }, "probability"),
                     (new { name = "x", currency = "euro" }, "currency"),
                     (new { name = "x", status = "lost" }, "lostReason"),
                     (new { name = "x", stageId = sales.Lost }, "lostReason"),
                     (new { name = "x", status = "closed" }, "status"),
                     (new { name = "x", pipelineId = sales.Id, stageId = other.Lead }, "stageId"),
                     (new { name = "x", stageId = Guid.NewGuid() }, "stageId"),
                     (new { name = "x", pipelineId = Guid.NewGuid() }, "pipelineId"),
                     (new { name = "x", pipelineId = empty.GetProperty("id").GetGuid() }, "stageId"),
                     (new { name = "x", contactId = Guid.NewGuid() }, "contactId"),
                     (new { name = "x", companyId = Guid.NewGuid() }, "companyId"),
                     (new { name = "x", watcherIds = new[] { Guid.NewGuid() } }, "watcherIds"),
                     (new { name = "x", ownerId = Guid.NewGuid() }, "ownerId"),
                     (new { name = "x", customFields = new[] { 1 } }, "customFields"),
                     (new { name = "x", expectedCloseDate = "soon" }, "expectedCloseDate"),
                 })
        {
            using var response = await api.Deals.SendAsync(HttpMethod.Post, "/", body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"{JsonSerializer.Serialize(body)}: expected an error on {field}, got {errors}");
        }

        using (var inactive = await api.Pipelines.SendAsync(HttpMethod.Patch, $"/{other.Id}", new { isActive = false }, "*"))
        {
            Assert.Equal(HttpStatusCode.OK, inactive.StatusCode);
        }
        using (var intoInactive = await api.Deals.SendAsync(HttpMethod.Post, "/", new { name = "x", pipelineId = other.Id }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(intoInactive, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("pipelineId", out _));
        }
        using var list = await api.Deals.SendAsync(HttpMethod.Get, "/");
        Assert.Empty((await api.Deals.ReadAsync(list)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_deal_is_patched_listed_deleted_and_restored_with_audit_rows_but_its_stage_changes_only_by_move()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        await api.Companies.WithResource("/api/v1/custom-fields").CreateAsync(new { objectType = "deal", key = "region", label = "Region", fieldType = "text" });
        var (company, _) = await api.Companies.CreateAsync(new { name = "Acme" });
        var (contact, _) = await api.Contacts.CreateAsync(new { firstName = "Ada", email = "ada@example.com" });
        var companyId = company.GetProperty("id").GetGuid();
        var (deal, etag) = await api.CreateDealAsync(new
        {
            name = "Acme expansion", value = 5000, companyId, contactId = contact.GetProperty("id").GetGuid(),
            dealType = "upsell", priority = "high", expectedCloseDate = "2030-03-31", watcherIds = new[] { api.UserId, api.UserId },
            customFields = new { region = "emea" }, source = "referral",
        });
        var id = deal.GetProperty("id").GetGuid();
        Assert.Equal([api.UserId], deal.GetProperty("watcherIds").EnumerateArray().Select(w => w.GetGuid()));
        Assert.Equal("2030-03-31", deal.GetProperty("expectedCloseDate").GetString());

        using (var move = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { stageId = sales.Proposal }, etag))
        {
            Assert.True((await AuthApi.AssertProblemAsync(move, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("stageId", out _));
        }
        using (var noIfMatch = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { value = 1 }))
        {
            await AuthApi.AssertProblemAsync(noIfMatch, HttpStatusCode.PreconditionRequired);
        }
        using var patch = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { value = 8000, probability = 40, nextStep = "Call CFO" }, etag);
        var patched = await api.Deals.ReadAsync(patch);
        Assert.Equal(3200m, patched.GetProperty("weightedValue").GetDecimal());
        Assert.Equal("Call CFO", patched.GetProperty("nextStep").GetString());
        Assert.Equal(sales.Lead, patched.GetProperty("stageId").GetGuid());
        var newEtag = patch.Headers.ETag!.ToString();
        using (var stale = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { value = 1 }, etag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }

        Assert.Equal(["Acme expansion"], await api.Deals.ListNamesAsync($"?filter[companyId]={companyId}&filter[dealType]=upsell"));
        Assert.Equal(["Acme expansion"], await api.Deals.ListNamesAsync("?filter[weightedValue][gte]=3200&q=expan"));
        Assert.Empty(await api.Deals.ListNamesAsync("?filter[status]=won"));

        using (var delete = await api.Deals.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: newEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Empty(await api.Deals.ListNamesAsync());
        using (var restore = await api.Deals.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal(8000m, (await api.Deals.ReadAsync(restore)).GetProperty("value").GetDecimal());
        }

        var audit = await api.AuditOfAsync("deal", id);
        Assert.Equal(["restored", "deleted", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(5000m, audit[2].GetProperty("oldValues").GetProperty("value").GetDecimal());
        Assert.Equal(8000m, audit[2].GetProperty("newValues").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task A_pipeline_with_live_deals_cannot_be_deleted_and_a_batch_creates_deals_all_or_nothing()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        using (var batch = await api.Deals.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { name = "One" }, new { name = "Two", stageId = Guid.NewGuid() } },
        }))
        {
            var errors = (await AuthApi.AssertProblemAsync(batch, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("items[1].stageId", out _));
        }
        Assert.Empty(await api.Deals.ListNamesAsync());
        using (var batch = await api.Deals.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { name = "One" }, new { name = "Two", stageId = sales.Proposal } },
        }))
        {
            var created = (await api.Deals.ReadAsync(batch)).GetProperty("data");
            Assert.Equal(sales.Proposal, created[1].GetProperty("stageId").GetGuid());
            Assert.Equal(50, created[1].GetProperty("probability").GetInt32());
        }

        using (var delete = await api.Pipelines.SendAsync(HttpMethod.Delete, $"/{sales.Id}", ifMatch: "*"))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.Conflict);
        }
        Assert.Equal(["Sales"], await api.Pipelines.ListNamesAsync());
    }
}
