using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealBoardTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_board_shows_every_stage_in_order_with_counts_sums_per_currency_and_the_first_deals()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        await api.CreateDealAsync(new { name = "A", value = 100 });
        await api.CreateDealAsync(new { name = "B", value = 300 });
        await api.CreateDealAsync(new { name = "C", value = 50, currency = "EUR" });
        await api.CreateDealAsync(new { name = "Parked", value = 1000, status = "abandoned" });
        await api.CreateDealAsync(new { name = "D", value = 200, stageId = sales.Proposal });
        var (deleted, deletedEtag) = await api.CreateDealAsync(new { name = "Deleted", value = 7, stageId = sales.Proposal });
        using (var delete = await api.Deals.SendAsync(HttpMethod.Delete, $"/{deleted.GetProperty("id").GetGuid()}", ifMatch: deletedEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var board = await api.BoardAsync(sales.Id, "?limit=2");

        Assert.Equal(sales.Id, board.GetProperty("pipeline").GetProperty("id").GetGuid());
        var columns = board.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["Lead", "Proposal", "Won", "Lost"], columns.Select(c => c.GetProperty("stage").GetProperty("name").GetString()));
        var lead = columns[0];
        Assert.Equal(3, lead.GetProperty("dealCount").GetInt32());
        Assert.Equal(["A", "B"], lead.GetProperty("deals").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var totals = lead.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(["EUR", "USD"], totals.Select(t => t.GetProperty("currency").GetString()));
        Assert.Equal((1, 50m, 5m), Total(totals[0]));
        Assert.Equal((2, 400m, 40m), Total(totals[1]));
        Assert.Equal((1, 200m, 100m), Total(columns[1].GetProperty("totals")[0]));
        Assert.Equal(0, columns[2].GetProperty("dealCount").GetInt32());
        Assert.Empty(columns[2].GetProperty("totals").EnumerateArray());

        foreach (var limit in new[] { "0", "51", "ten" })
        {
            using var response = await api.Pipelines.SendAsync(HttpMethod.Get, $"/{sales.Id}/board?limit={limit}");
            Assert.True((await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("limit", out _));
        }
        using var missing = await api.Pipelines.SendAsync(HttpMethod.Get, $"/{Guid.NewGuid()}/board");
        await AuthApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_only_their_deals_on_the_board_and_in_its_sums()
    {
        var owner = await DealApi.RegisterAsync(factory);
        var rep = await DealApi.JoinAsync(factory, owner, "sales_rep", "own");
        var sales = await owner.CreateSalesPipelineAsync();
        await owner.CreateDealAsync(new { name = "Owner's", value = 1000 });
        await rep.CreateDealAsync(new { name = "Rep's", value = 10 });

        var repLead = (await rep.BoardAsync(sales.Id)).GetProperty("stages")[0];
        Assert.Equal(1, repLead.GetProperty("dealCount").GetInt32());
        Assert.Equal(["Rep's"], repLead.GetProperty("deals").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal((1, 10m, 1m), Total(repLead.GetProperty("totals")[0]));

        var ownerLead = (await owner.BoardAsync(sales.Id)).GetProperty("stages")[0];
        Assert.Equal(2, ownerLead.GetProperty("dealCount").GetInt32());
        Assert.Equal((2, 1010m, 101m), Total(ownerLead.GetProperty("totals")[0]));
    }

    private static (int Count, decimal Value, decimal Weighted) Total(JsonElement total) =>
        (total.GetProperty("dealCount").GetInt32(), total.GetProperty("value").GetDecimal(), total.GetProperty("weightedValue").GetDecimal());
}
