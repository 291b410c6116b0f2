using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

/// <summary>A stage's WIP limit on every way into it besides a move (DealMoveTests): create, batch create, and PATCH, which cannot change the stage.</summary>
public sealed class DealWipLimitTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Creating_a_deal_in_a_full_stage_answers_the_moves_409_counting_every_owners_deals()
    {
        var api = await DealApi.RegisterAsync(factory);
        var rep = await DealApi.JoinAsync(factory, api, "sales_rep", "own");
        var sales = await api.CreateSalesPipelineAsync();
        var narrow = await api.AddStageAsync(sales.Id, new { name = "Negotiation", wipLimit = 1 });
        var (first, _) = await api.CreateDealAsync(new { name = "First", stageId = narrow });

        using (var full = await rep.Deals.SendAsync(HttpMethod.Post, "/", new { name = "Second", stageId = narrow }))
        {
            var problem = await AuthApi.AssertProblemAsync(full, HttpStatusCode.Conflict);
            Assert.Equal("The stage 'Negotiation' is at its WIP limit of 1 deal(s).", problem.GetProperty("detail").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("stageId", out _));
        }
        Assert.Equal(["First"], await api.Deals.ListNamesAsync($"?filter[stageId]={narrow}"));

        // Another stage, and the stage once a deal leaves it, take deals again.
        await rep.CreateDealAsync(new { name = "Elsewhere", stageId = sales.Proposal });
        using (var move = await api.MoveAsync(first.GetProperty("id").GetGuid(), new { stageId = sales.Proposal }))
        {
            Assert.Equal(HttpStatusCode.OK, move.StatusCode);
        }
        await rep.CreateDealAsync(new { name = "Second", stageId = narrow });
        Assert.Equal(["Second"], await api.Deals.ListNamesAsync($"?filter[stageId]={narrow}"));
    }

    [Fact]
    public async Task A_batch_that_would_overfill_a_stage_creates_nothing_and_one_that_fits_goes_in()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var narrow = await api.AddStageAsync(sales.Id, new { name = "Negotiation", wipLimit = 3 });
        await api.CreateDealAsync(new { name = "Already there", stageId = narrow });

        using (var over = await api.Deals.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[]
            {
                new { name = "A", stageId = narrow }, new { name = "B" }, new { name = "C", stageId = narrow }, new { name = "D", stageId = narrow },
            },
        }))
        {
            var problem = await AuthApi.AssertProblemAsync(over, HttpStatusCode.Conflict);
            Assert.Contains("WIP limit of 3", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(["Already there"], await api.Deals.ListNamesAsync());

        using var fits = await api.Deals.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { name = "A", stageId = narrow }, new { name = "B" }, new { name = "C", stageId = narrow } },
        });
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(3, (await api.Deals.ListNamesAsync($"?filter[stageId]={narrow}")).Count);
    }

    [Fact]
    public async Task A_patch_cannot_put_a_deal_into_a_full_stage_because_it_cannot_change_the_stage()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var narrow = await api.AddStageAsync(sales.Id, new { name = "Negotiation", wipLimit = 1 });
        await api.CreateDealAsync(new { name = "First", stageId = narrow });
        var (deal, etag) = await api.CreateDealAsync(new { name = "Second" });

        using var patch = await api.Deals.SendAsync(HttpMethod.Patch, $"/{deal.GetProperty("id").GetGuid()}", new { stageId = narrow }, etag);
        var problem = await AuthApi.AssertProblemAsync(patch, HttpStatusCode.BadRequest);
        Assert.Contains("/move", problem.GetProperty("errors").GetProperty("stageId")[0].GetString());
        Assert.Equal(["First"], await api.Deals.ListNamesAsync($"?filter[stageId]={narrow}"));
    }
}
