using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

/// <summary>Another workspace's token attacks the first workspace's deals, pipelines and products: every attempt finds nothing.</summary>
public sealed class DealIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_gets_404_for_every_deal_pipeline_stage_line_and_product_id()
    {
        var victim = await DealApi.RegisterAsync(factory, "Victim");
        var attacker = await DealApi.RegisterAsync(factory, "Attacker");
        var sales = await victim.CreateSalesPipelineAsync();
        var (product, productEtag) = await victim.Products.CreateAsync(new { name = "Secret product", sku = "S-1" });
        var (deal, etag) = await victim.CreateDealAsync(new { name = "Secret deal", value = 10 });
        var id = deal.GetProperty("id").GetGuid();
        var (line, lineEtag) = await victim.AddLineAsync(id, new { name = "Secret line", unitPrice = 10 });
        var linePath = $"/{id}/products/{line.GetProperty("id").GetGuid()}";
        var (deleted, deletedEtag) = await victim.CreateDealAsync(new { name = "Deleted deal" });
        var deletedId = deleted.GetProperty("id").GetGuid();
        (await victim.Deals.SendAsync(HttpMethod.Delete, $"/{deletedId}", ifMatch: deletedEtag)).Dispose();
        await attacker.CreateSalesPipelineAsync();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, etag),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, "*"),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{deletedId}/restore", null, null),
                     (HttpMethod.Post, $"/{id}/move", new { stageId = sales.Proposal }, null),
                     (HttpMethod.Get, $"/{id}/stage-history", null, null),
                     (HttpMethod.Get, $"/{id}/products", null, null),
                     (HttpMethod.Post, $"/{id}/products", new { name = "x", unitPrice = 1 }, null),
                     (HttpMethod.Get, linePath, null, null),
                     (HttpMethod.Patch, linePath, new { quantity = 5 }, lineEtag),
                     (HttpMethod.Delete, linePath, null, "*"),
                 })
        {
            using var response = await attacker.Deals.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, $"/{sales.Id}", null),
                     (HttpMethod.Patch, $"/{sales.Id}", new { name = "Pwned" }),
                     (HttpMethod.Delete, $"/{sales.Id}", null),
                     (HttpMethod.Get, $"/{sales.Id}/board", null),
                     (HttpMethod.Get, $"/{sales.Id}/stages", null),
                     (HttpMethod.Get, $"/{sales.Id}/stages/{sales.Lead}", null),
                     (HttpMethod.Post, $"/{sales.Id}/stages", new { name = "Pwned" }),
                     (HttpMethod.Patch, $"/{sales.Id}/stages/{sales.Lead}", new { name = "Pwned" }),
                     (HttpMethod.Delete, $"/{sales.Id}/stages/{sales.Lead}", null),
                 })
        {
            using var response = await attacker.Pipelines.SendAsync(method, path, body, "*");
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var productGet = await attacker.Products.SendAsync(HttpMethod.Patch, $"/{product.GetProperty("id").GetGuid()}", new { name = "Pwned" }, productEtag))
        {
            await AuthApi.AssertProblemAsync(productGet, HttpStatusCode.NotFound);
        }

        Assert.Empty(await attacker.Deals.ListNamesAsync());
        Assert.Empty(await attacker.Deals.ListNamesAsync($"?filter[pipelineId]={sales.Id}"));
        Assert.Equal(["Sales"], await attacker.Pipelines.ListNamesAsync());
        Assert.Empty(await attacker.Products.ListNamesAsync());
        Assert.Empty(await attacker.AuditOfAsync("deal", id));

        Assert.Equal("Secret deal", (await victim.GetDealAsync(id)).GetProperty("name").GetString());
        Assert.Equal(10m, (await victim.GetDealAsync(id)).GetProperty("value").GetDecimal());
        Assert.Single(await victim.StageHistoryAsync(id));
        Assert.Equal(4, (await victim.StagesAsync(sales.Id)).Count);
    }

    [Fact]
    public async Task Another_workspaces_pipeline_stage_contact_company_product_and_members_cannot_be_referenced()
    {
        var victim = await DealApi.RegisterAsync(factory, "Victim");
        var attacker = await DealApi.RegisterAsync(factory, "Attacker");
        var theirs = await victim.CreateSalesPipelineAsync();
        var (theirContact, _) = await victim.Contacts.CreateAsync(new { firstName = "Their" });
        var (theirCompany, _) = await victim.Companies.CreateAsync(new { name = "Their Co" });
        var (theirProduct, _) = await victim.Products.CreateAsync(new { name = "Their product", unitPrice = 5 });
        var ours = await attacker.CreateSalesPipelineAsync();
        var (own, ownEtag) = await attacker.CreateDealAsync(new { name = "Own" });
        var ownId = own.GetProperty("id").GetGuid();

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = "x", pipelineId = theirs.Id }, "pipelineId"),
                     (new { name = "x", stageId = theirs.Lead }, "stageId"),
                     (new { name = "x", pipelineId = ours.Id, stageId = theirs.Lead }, "stageId"),
                     (new { name = "x", contactId = theirContact.GetProperty("id").GetGuid() }, "contactId"),
                     (new { name = "x", companyId = theirCompany.GetProperty("id").GetGuid() }, "companyId"),
                     (new { name = "x", ownerId = victim.UserId }, "ownerId"),
                     (new { name = "x", watcherIds = new[] { victim.UserId } }, "watcherIds"),
                     (new { name = "x", workspaceId = victim.WorkspaceId }, "workspaceId"),
                 })
        {
            using var response = await attacker.Deals.SendAsync(HttpMethod.Post, "/", body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error on {field}, got {errors}");
        }
        using (var patch = await attacker.Deals.SendAsync(HttpMethod.Patch, $"/{ownId}", new { companyId = theirCompany.GetProperty("id").GetGuid() }, ownEtag))
        {
            Assert.True((await AuthApi.AssertProblemAsync(patch, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("companyId", out _));
        }
        using (var move = await attacker.MoveAsync(ownId, new { stageId = theirs.Proposal }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(move, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("stageId", out _));
        }
        using (var line = await attacker.Deals.SendAsync(HttpMethod.Post, $"/{ownId}/products", new { productId = theirProduct.GetProperty("id").GetGuid() }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(line, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("productId", out _));
        }

        Assert.Equal(["Own"], await attacker.Deals.ListNamesAsync());
        Assert.Equal(ours.Lead, (await attacker.GetDealAsync(ownId)).GetProperty("stageId").GetGuid());
        Assert.Empty(await victim.Deals.ListNamesAsync());
    }
}
