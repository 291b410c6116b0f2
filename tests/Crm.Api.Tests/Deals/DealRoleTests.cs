using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealRoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_reads_deals_but_cannot_create_change_move_or_price_them()
    {
        var owner = await DealApi.RegisterAsync(factory);
        var viewer = await DealApi.JoinAsync(factory, owner, "viewer", "all");
        var sales = await owner.CreateSalesPipelineAsync();
        var (deal, etag) = await owner.CreateDealAsync(new { name = "Read only", value = 10 });
        var id = deal.GetProperty("id").GetGuid();
        var (line, _) = await owner.AddLineAsync(id, new { name = "Line", unitPrice = 10 });
        var linePath = $"/{id}/products/{line.GetProperty("id").GetGuid()}";

        Assert.Equal(["Read only"], await viewer.Deals.ListNamesAsync());
        Assert.Single(await viewer.StageHistoryAsync(id));
        Assert.Equal(1, (await viewer.BoardAsync(sales.Id)).GetProperty("stages")[0].GetProperty("dealCount").GetInt32());
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { name = "New" }, null),
                     (HttpMethod.Post, "/batch", new { items = new[] { new { name = "New" } } }, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Changed" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{id}/restore", null, null),
                     (HttpMethod.Post, $"/{id}/move", new { stageId = sales.Proposal }, null),
                     (HttpMethod.Post, $"/{id}/products", new { name = "x", unitPrice = 1 }, null),
                     (HttpMethod.Patch, linePath, new { quantity = 2 }, "*"),
                     (HttpMethod.Delete, linePath, null, "*"),
                 })
        {
            using var response = await viewer.Deals.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        var after = await owner.GetDealAsync(id);
        Assert.Equal(sales.Lead, after.GetProperty("stageId").GetGuid());
        Assert.Equal(10m, after.GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_moves_and_prices_only_their_own_deals()
    {
        var owner = await DealApi.RegisterAsync(factory);
        var rep = await DealApi.JoinAsync(factory, owner, "sales_rep", "own");
        var sales = await owner.CreateSalesPipelineAsync();
        var (ownersDeal, _) = await owner.CreateDealAsync(new { name = "Owner's" });
        var ownersId = ownersDeal.GetProperty("id").GetGuid();
        var (ownersContact, _) = await owner.Contacts.CreateAsync(new { firstName = "Owner's" });

        Assert.Empty(await rep.Deals.ListNamesAsync());
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, $"/{ownersId}", null),
                     (HttpMethod.Post, $"/{ownersId}/move", new { stageId = sales.Proposal }),
                     (HttpMethod.Get, $"/{ownersId}/stage-history", null),
                     (HttpMethod.Post, $"/{ownersId}/products", new { name = "x", unitPrice = 1 }),
                 })
        {
            using var response = await rep.Deals.SendAsync(method, path, body);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var link = await rep.Deals.SendAsync(HttpMethod.Post, "/", new { name = "Mine", contactId = ownersContact.GetProperty("id").GetGuid() }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(link, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("contactId", out _));
        }
        using (var assign = await rep.Deals.SendAsync(HttpMethod.Post, "/", new { name = "Mine", ownerId = owner.UserId }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(assign, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("ownerId", out _));
        }

        var (mine, _) = await rep.CreateDealAsync(new { name = "Mine", watcherIds = new[] { owner.UserId } });
        var mineId = mine.GetProperty("id").GetGuid();
        using (var move = await rep.MoveAsync(mineId, new { stageId = sales.Proposal }))
        {
            Assert.Equal(HttpStatusCode.OK, move.StatusCode);
        }
        await rep.AddLineAsync(mineId, new { name = "Line", unitPrice = 3 });
        Assert.Equal(["Mine"], await rep.Deals.ListNamesAsync());
        Assert.Equal(2, (await owner.Deals.ListNamesAsync()).Count);
        Assert.Equal(sales.Lead, (await owner.GetDealAsync(ownersId)).GetProperty("stageId").GetGuid());
    }
}
