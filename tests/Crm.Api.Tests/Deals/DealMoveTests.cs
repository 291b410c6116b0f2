using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealMoveTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_move_sets_stage_probability_and_time_entered_records_history_and_audit_and_answers_the_new_etag()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var (deal, etag) = await api.CreateDealAsync(new { name = "Deal", value = 100 });
        var id = deal.GetProperty("id").GetGuid();

        using var move = await api.MoveAsync(id, new { stageId = sales.Proposal }, etag);
        var moved = await api.Deals.ReadAsync(move);
        Assert.Equal(sales.Proposal, moved.GetProperty("stageId").GetGuid());
        Assert.Equal(50, moved.GetProperty("probability").GetInt32());
        Assert.Equal(50m, moved.GetProperty("weightedValue").GetDecimal());
        Assert.True(moved.GetProperty("stageEnteredAt").GetDateTimeOffset() > deal.GetProperty("stageEnteredAt").GetDateTimeOffset());
        var newEtag = move.Headers.ETag!.ToString();
        Assert.NotEqual(etag, newEtag);

        using (var stale = await api.MoveAsync(id, new { stageId = sales.Lead }, etag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        using (var again = await api.MoveAsync(id, new { stageId = sales.Proposal }))
        {
            Assert.Equal(newEtag, again.Headers.ETag!.ToString());
        }

        var history = await api.StageHistoryAsync(id);
        Assert.Equal(2, history.Length);
        Assert.Equal(sales.Lead, history[0].GetProperty("fromStageId").GetGuid());
        Assert.Equal("Lead", history[0].GetProperty("fromStageName").GetString());
        Assert.Equal("Proposal", history[0].GetProperty("toStageName").GetString());
        Assert.Equal(10, history[0].GetProperty("fromProbability").GetInt32());
        Assert.Equal(50, history[0].GetProperty("toProbability").GetInt32());
        Assert.True(history[0].GetProperty("secondsInFromStage").GetInt64() >= 0);
        Assert.Equal(api.UserId, history[0].GetProperty("changedBy").GetGuid());
        Assert.Equal(JsonValueKind.Null, history[1].GetProperty("fromStageId").ValueKind);
        Assert.Equal(sales.Lead, history[1].GetProperty("toStageId").GetGuid());

        var audit = await api.AuditOfAsync("deal", id);
        Assert.Equal(["stage_changed", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(sales.Lead, audit[0].GetProperty("oldValues").GetProperty("stageId").GetGuid());
        Assert.Equal(sales.Proposal, audit[0].GetProperty("newValues").GetProperty("stageId").GetGuid());
    }

    [Fact]
    public async Task Won_and_lost_stages_close_the_deal_and_lost_needs_a_reason()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var (deal, _) = await api.CreateDealAsync(new { name = "Deal", value = 100 });
        var id = deal.GetProperty("id").GetGuid();
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using (var noReason = await api.MoveAsync(id, new { stageId = sales.Lost }))
        {
            var errors = (await AuthApi.AssertProblemAsync(noReason, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("lostReason", out _));
        }
        using (var lost = await api.MoveAsync(id, new { stageId = sales.Lost, lostReason = "Budget cut" }))
        {
            var body = await api.Deals.ReadAsync(lost);
            Assert.Equal("lost", body.GetProperty("status").GetString());
            Assert.Equal(0, body.GetProperty("probability").GetInt32());
            Assert.Equal("Budget cut", body.GetProperty("lostReason").GetString());
            Assert.Equal(today, body.GetProperty("actualCloseDate").GetString());
        }
        using (var reopened = await api.MoveAsync(id, new { stageId = sales.Proposal }))
        {
            var body = await api.Deals.ReadAsync(reopened);
            Assert.Equal("open", body.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("actualCloseDate").ValueKind);
        }
        using (var lostAgain = await api.MoveAsync(id, new { stageId = sales.Lost }))
        {
            Assert.Equal("lost", (await api.Deals.ReadAsync(lostAgain)).GetProperty("status").GetString());
        }
        using (var won = await api.MoveAsync(id, new { stageId = sales.Won, wonReason = "Champion" }))
        {
            var body = await api.Deals.ReadAsync(won);
            Assert.Equal("won", body.GetProperty("status").GetString());
            Assert.Equal(100, body.GetProperty("probability").GetInt32());
            Assert.Equal(100m, body.GetProperty("weightedValue").GetDecimal());
            Assert.Equal("Champion", body.GetProperty("wonReason").GetString());
            Assert.Equal(today, body.GetProperty("actualCloseDate").GetString());
        }
        Assert.Equal(5, (await api.StageHistoryAsync(id)).Length);
    }

    [Fact]
    public async Task A_stage_at_its_wip_limit_refuses_more_deals_with_409_counting_every_owners_deals()
    {
        var api = await DealApi.RegisterAsync(factory);
        var rep = await DealApi.JoinAsync(factory, api, "sales_rep", "own");
        var sales = await api.CreateSalesPipelineAsync();
        var narrow = await api.AddStageAsync(sales.Id, new { name = "Negotiation", wipLimit = 1, position = 3 });
        var (first, _) = await api.CreateDealAsync(new { name = "First" });
        var (second, _) = await rep.CreateDealAsync(new { name = "Second" });

        using (var ok = await api.MoveAsync(first.GetProperty("id").GetGuid(), new { stageId = narrow }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var full = await rep.MoveAsync(second.GetProperty("id").GetGuid(), new { stageId = narrow }))
        {
            var problem = await AuthApi.AssertProblemAsync(full, HttpStatusCode.Conflict);
            Assert.Contains("WIP limit", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(sales.Lead, (await rep.GetDealAsync(second.GetProperty("id").GetGuid())).GetProperty("stageId").GetGuid());
        Assert.Single(await rep.StageHistoryAsync(second.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Concurrent_moves_into_a_stage_never_exceed_its_wip_limit()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var narrow = await api.AddStageAsync(sales.Id, new { name = "Negotiation", wipLimit = 2 });
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await api.CreateDealAsync(new { name = $"Deal {i}" })).Deal.GetProperty("id").GetGuid());
        }

        var responses = await Task.WhenAll(ids.Select(id => api.MoveAsync(id, new { stageId = narrow })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(2, (await api.Deals.ListNamesAsync($"?filter[stageId]={narrow}")).Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_stage_with_required_fields_answers_400_naming_each_missing_field()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var strict = await api.AddStageAsync(sales.Id, new { name = "Contract", requiredFields = new[] { "value", "expectedCloseDate", "contactId" } });
        var (deal, etag) = await api.CreateDealAsync(new { name = "Deal" });
        var id = deal.GetProperty("id").GetGuid();

        using (var refused = await api.MoveAsync(id, new { stageId = strict }))
        {
            var errors = (await AuthApi.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Equal(["contactId", "expectedCloseDate", "value"], errors.EnumerateObject().Select(e => e.Name).Order());
        }
        var (contact, _) = await api.Contacts.CreateAsync(new { firstName = "Ada" });
        using (var patch = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new
        {
            value = 10, expectedCloseDate = "2031-01-31", contactId = contact.GetProperty("id").GetGuid(),
        }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        using var moved = await api.MoveAsync(id, new { stageId = strict });
        Assert.Equal(strict, (await api.Deals.ReadAsync(moved)).GetProperty("stageId").GetGuid());
    }

    [Fact]
    public async Task A_deal_moves_to_another_pipelines_stage_but_not_to_a_missing_stage_or_with_a_bad_body()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var renewals = await api.CreateSalesPipelineAsync("Renewals", isDefault: false);
        var (deal, _) = await api.CreateDealAsync(new { name = "Deal" });
        var id = deal.GetProperty("id").GetGuid();

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { }, "stageId"),
                     (new { stageId = Guid.NewGuid() }, "stageId"),
                     (new { stageId = renewals.Lead, colour = "red" }, "colour"),
                 })
        {
            using var response = await api.MoveAsync(id, body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error on {field}, got {errors}");
        }
        using (var notFound = await api.MoveAsync(Guid.NewGuid(), new { stageId = renewals.Lead }))
        {
            await AuthApi.AssertProblemAsync(notFound, HttpStatusCode.NotFound);
        }
        using var moved = await api.MoveAsync(id, new { stageId = renewals.Proposal });
        var body2 = await api.Deals.ReadAsync(moved);
        Assert.Equal(renewals.Id, body2.GetProperty("pipelineId").GetGuid());
        Assert.Equal(renewals.Proposal, body2.GetProperty("stageId").GetGuid());
    }
}
