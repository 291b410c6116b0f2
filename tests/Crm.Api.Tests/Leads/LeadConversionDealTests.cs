using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

public sealed class LeadConversionDealTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_empty_deal_goes_to_the_default_pipelines_first_stage_worth_the_leads_budget()
    {
        var api = await LeadApi.RegisterAsync(factory);
        await Pipelines.CreateAsync(factory, api.WorkspaceId, "Other", isDefault: false, ("open", 5));
        var (pipeline, stages) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Sales", isDefault: true, ("open", 10), ("open", 40), ("won", 100));
        var id = await api.CreateIdAsync(new { firstName = "Deal", lastName = "Maker", companyName = "Buyer Ltd", budget = 7500.50m, currency = "EUR", source = "event" });

        var conversion = await api.ConvertOkAsync(id, new { deal = new { } });
        Assert.Equal("created", conversion.GetProperty("deal").GetProperty("outcome").GetString());
        var dealId = conversion.GetProperty("deal").GetProperty("id").GetGuid();
        var contactId = conversion.GetProperty("contact").GetProperty("id").GetGuid();
        var companyId = conversion.GetProperty("company").GetProperty("id").GetGuid();
        Assert.Equal(dealId, conversion.GetProperty("lead").GetProperty("convertedDealId").GetGuid());
        Assert.Equal(dealId, (await api.GetAsync(id)).GetProperty("convertedDealId").GetGuid());

        var deal = await api.GetAsync(api.Deals, dealId);
        Assert.Equal(("Buyer Ltd", 7500.50m, "EUR", "event"),
            (deal.GetProperty("name").GetString(), deal.GetProperty("value").GetDecimal(), deal.GetProperty("currency").GetString(), deal.GetProperty("source").GetString()));
        Assert.Equal((pipeline, stages[0], 10, "open"),
            (deal.GetProperty("pipelineId").GetGuid(), deal.GetProperty("stageId").GetGuid(), deal.GetProperty("probability").GetInt32(), deal.GetProperty("status").GetString()));
        Assert.Equal((contactId, companyId, api.UserId),
            (deal.GetProperty("contactId").GetGuid(), deal.GetProperty("companyId").GetGuid(), deal.GetProperty("ownerId").GetGuid()));
        using (var history = await api.Deals.SendAsync(HttpMethod.Get, $"/{dealId}/stage-history"))
        {
            var entry = Assert.Single((await api.ReadAsync(history)).GetProperty("data").EnumerateArray());
            Assert.Equal(stages[0], entry.GetProperty("toStageId").GetGuid());
        }

        var dealAudit = await api.AuditOfAsync("deal", dealId);
        Assert.Equal(["created"], dealAudit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(7500.50m, dealAudit[0].GetProperty("newValues").GetProperty("value").GetDecimal());
        Assert.Equal(contactId, dealAudit[0].GetProperty("newValues").GetProperty("contactId").GetGuid());
        Assert.Equal("opportunity", (await api.GetAsync(api.Contacts, contactId)).GetProperty("lifecycleStage").GetString());
    }

    [Fact]
    public async Task A_deal_takes_the_pipeline_stage_name_value_and_currency_asked_for()
    {
        var api = await LeadApi.RegisterAsync(factory);
        await Pipelines.CreateAsync(factory, api.WorkspaceId, "Sales", isDefault: true, ("open", 10));
        var (renewals, renewalStages) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Renewals", isDefault: false, ("open", 20), ("open", 60));

        var byPipeline = await api.ConvertOkAsync(await api.CreateIdAsync(new { firstName = "Pat", lastName = "Person" }), new { deal = new { pipelineId = renewals } });
        var first = await api.GetAsync(api.Deals, byPipeline.GetProperty("deal").GetProperty("id").GetGuid());
        Assert.Equal((renewals, renewalStages[0], "Pat Person", 0m),
            (first.GetProperty("pipelineId").GetGuid(), first.GetProperty("stageId").GetGuid(), first.GetProperty("name").GetString(), first.GetProperty("value").GetDecimal()));

        var byStage = await api.ConvertOkAsync(await api.CreateIdAsync(new { firstName = "Sam", budget = 10m }), new
        {
            deal = new { stageId = renewalStages[1], name = " Big renewal ", value = 99000m, currency = "jpy", expectedCloseDate = "2030-01-31" },
        });
        var second = await api.GetAsync(api.Deals, byStage.GetProperty("deal").GetProperty("id").GetGuid());
        Assert.Equal((renewals, renewalStages[1], 60, "Big renewal", 99000m, "JPY", "2030-01-31"),
            (second.GetProperty("pipelineId").GetGuid(), second.GetProperty("stageId").GetGuid(), second.GetProperty("probability").GetInt32(),
             second.GetProperty("name").GetString(), second.GetProperty("value").GetDecimal(), second.GetProperty("currency").GetString(),
             second.GetProperty("expectedCloseDate").GetString()));
        Assert.Equal(JsonValueKind.Null, byStage.GetProperty("company").ValueKind);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("companyId").ValueKind);
    }

    [Fact]
    public async Task A_deal_that_cannot_be_made_fails_the_whole_conversion()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var other = await LeadApi.RegisterAsync(factory, "Other");
        var id = await api.CreateIdAsync(new { firstName = "Nothing", companyName = "Left Behind" });

        await Pipelines.RemoveDefaultAsync(factory, api.WorkspaceId);
        using (var noDefault = await api.ConvertAsync(id, new { deal = new { } }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(noDefault, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("deal.pipelineId", out _));
        }
        var (pipeline, stages) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Sales", isDefault: true, ("open", 10), ("won", 100));
        var (foreignPipeline, foreignStages) = await Pipelines.CreateAsync(factory, other.WorkspaceId, "Theirs", isDefault: true, ("open", 10));
        var (_, otherPipelineStages) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Second", isDefault: false, ("open", 10));
        var (wonFirst, _) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Won first", isDefault: false, ("won", 100), ("open", 10));
        var (inactive, _) = await Pipelines.CreateAsync(factory, api.WorkspaceId, "Retired", isDefault: false, ("open", 10));
        await Pipelines.DeactivateAsync(factory, inactive);
        foreach (var (deal, field) in new (object, string)[]
                 {
                     (new { pipelineId = foreignPipeline }, "deal.pipelineId"),
                     (new { stageId = foreignStages[0] }, "deal.stageId"),
                     (new { stageId = stages[1] }, "deal.stageId"),
                     (new { pipelineId = wonFirst }, "deal.stageId"),
                     (new { pipelineId = pipeline, stageId = otherPipelineStages[0] }, "deal.stageId"),
                     (new { pipelineId = inactive }, "deal.pipelineId"),
                     (new { value = -1m }, "deal.value"),
                     (new { currency = "euros" }, "deal.currency"),
                     (new { name = new string('n', 256) }, "deal.name"),
                 })
        {
            using var response = await api.ConvertAsync(id, new { deal });
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}");
        }
        Assert.Equal(0, await Pipelines.CountDealsAsync(factory, api.WorkspaceId));
        Assert.Empty(await api.ListAsync("", api.Contacts));
        Assert.Empty(await api.ListAsync("", api.Companies));
        Assert.Equal("new", (await api.GetAsync(id)).GetProperty("status").GetString());

        var converted = await api.ConvertOkAsync(id, new { deal = new { pipelineId = pipeline } });
        Assert.Equal(stages[0], (await api.GetAsync(api.Deals, converted.GetProperty("deal").GetProperty("id").GetGuid())).GetProperty("stageId").GetGuid());
    }
}
