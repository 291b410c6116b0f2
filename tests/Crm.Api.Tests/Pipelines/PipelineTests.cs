using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Deals;

namespace Crm.Api.Tests.Pipelines;

public sealed class PipelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Pipelines_have_unique_names_and_at_most_one_default()
    {
        var api = await DealApi.RegisterAsync(factory);
        // Without the pipeline registration made (DefaultPipelineTests), so this one starts from none.
        await api.RemoveDefaultPipelineAsync();
        var (sales, salesEtag) = await api.Pipelines.CreateAsync(new { name = "Sales", isDefault = true, rottingDays = 30, pipelineType = "sales" });
        Assert.Equal("USD", sales.GetProperty("currency").GetString());
        Assert.True(sales.GetProperty("isActive").GetBoolean());

        using (var sameName = await api.Pipelines.SendAsync(HttpMethod.Post, "/", new { name = "SALES" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(sameName, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("name", out _));
        }
        using (var secondDefault = await api.Pipelines.SendAsync(HttpMethod.Post, "/", new { name = "Partners", isDefault = true }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(secondDefault, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("isDefault", out _));
        }
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = "" }, "name"),
                     (new { name = "x", rottingDays = 0 }, "rottingDays"),
                     (new { name = "x", currency = "US" }, "currency"),
                     (new { name = "x", pipelineType = "pyramid" }, "pipelineType"),
                 })
        {
            using var response = await api.Pipelines.SendAsync(HttpMethod.Post, "/", body);
            Assert.True((await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        var (partners, _) = await api.Pipelines.CreateAsync(new { name = "Partners", pipelineType = "vendor", displayOrder = -1 });
        Assert.Equal(["Partners", "Sales"], await api.Pipelines.ListNamesAsync());
        Assert.Equal(["Sales"], await api.Pipelines.ListNamesAsync("?filter[isDefault]=true"));

        using (var unset = await api.Pipelines.SendAsync(HttpMethod.Patch, $"/{sales.GetProperty("id").GetGuid()}", new { isDefault = false }, salesEtag))
        {
            Assert.Equal(HttpStatusCode.OK, unset.StatusCode);
        }
        using (var set = await api.Pipelines.SendAsync(HttpMethod.Patch, $"/{partners.GetProperty("id").GetGuid()}", new { isDefault = true }, "*"))
        {
            Assert.True((await api.Pipelines.ReadAsync(set)).GetProperty("isDefault").GetBoolean());
        }
        Assert.Equal(["Partners"], await api.Pipelines.ListNamesAsync("?filter[isDefault]=true"));
    }

    [Fact]
    public async Task Stages_keep_positions_one_to_n_when_added_moved_and_deleted()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        var qualified = await api.AddStageAsync(sales.Id, new { name = "Qualified", position = 2, defaultProbability = 25, color = "#00AA00" });
        Assert.Equal([("Lead", 1), ("Qualified", 2), ("Proposal", 3), ("Won", 4), ("Lost", 5)], (await api.StagesAsync(sales.Id)).Select(s => (s.Name, s.Position)));

        using (var get = await api.Pipelines.SendAsync(HttpMethod.Get, $"/{sales.Id}/stages/{sales.Lost}"))
        {
            using var patch = await api.Pipelines.SendAsync(HttpMethod.Patch, $"/{sales.Id}/stages/{sales.Lost}", new { position = 1, name = "Disqualified" }, get.Headers.ETag!.ToString());
            Assert.Equal(1, (await api.Pipelines.ReadAsync(patch)).GetProperty("position").GetInt32());
        }
        Assert.Equal([("Disqualified", 1), ("Lead", 2), ("Qualified", 3), ("Proposal", 4), ("Won", 5)], (await api.StagesAsync(sales.Id)).Select(s => (s.Name, s.Position)));

        using (var delete = await api.Pipelines.SendAsync(HttpMethod.Delete, $"/{sales.Id}/stages/{qualified}", ifMatch: "*"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Equal([("Disqualified", 1), ("Lead", 2), ("Proposal", 3), ("Won", 4)], (await api.StagesAsync(sales.Id)).Select(s => (s.Name, s.Position)));
        var reused = await api.AddStageAsync(sales.Id, new { name = "Qualified" });
        Assert.Equal(("Qualified", 5), (await api.StagesAsync(sales.Id)).Where(s => s.Id == reused).Select(s => (s.Name, s.Position)).Single());

        var audit = await api.AuditOfAsync("pipeline_stage", sales.Proposal);
        Assert.Equal([3, 4, 3, 2], audit.Select(a => a.GetProperty("newValues").GetProperty("position").GetInt32()));
    }

    [Fact]
    public async Task Concurrent_stage_creations_get_distinct_positions()
    {
        var api = await DealApi.RegisterAsync(factory);
        var (pipeline, _) = await api.Pipelines.CreateAsync(new { name = "Busy" });
        var id = pipeline.GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            api.Pipelines.SendAsync(HttpMethod.Post, $"/{id}/stages", new { name = $"Stage {i}", position = 1 })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal([1, 2, 3, 4, 5, 6], (await api.StagesAsync(id)).Select(s => s.Position));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Bad_stages_answer_400_or_409_and_a_stage_with_deals_cannot_be_deleted_or_change_kind()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = " " }, "name"),
                     (new { name = "x", position = 0 }, "position"),
                     (new { name = "x", position = 6 }, "position"),
                     (new { name = "x", defaultProbability = 101 }, "defaultProbability"),
                     (new { name = "x", wipLimit = 0 }, "wipLimit"),
                     (new { name = "x", rottingDays = -3 }, "rottingDays"),
                     (new { name = "x", color = "red" }, "color"),
                     (new { name = "x", kind = "maybe" }, "kind"),
                     (new { name = "x", requiredFields = new[] { "value", "shoeSize" } }, "requiredFields"),
                 })
        {
            using var response = await api.Pipelines.SendAsync(HttpMethod.Post, $"/{sales.Id}/stages", body);
            Assert.True((await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(field, out _), field);
        }
        using (var duplicate = await api.Pipelines.SendAsync(HttpMethod.Post, $"/{sales.Id}/stages", new { name = "lead" }))
        {
            await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        }
        using (var noPipeline = await api.Pipelines.SendAsync(HttpMethod.Post, $"/{Guid.NewGuid()}/stages", new { name = "x" }))
        {
            await AuthApi.AssertProblemAsync(noPipeline, HttpStatusCode.NotFound);
        }

        var (deal, dealEtag) = await api.CreateDealAsync(new { name = "Deal" });
        using (var kind = await api.Pipelines.SendAsync(HttpMethod.Patch, $"/{sales.Id}/stages/{sales.Lead}", new { kind = "won" }, "*"))
        {
            await AuthApi.AssertProblemAsync(kind, HttpStatusCode.Conflict);
        }
        using (var noIfMatch = await api.Pipelines.SendAsync(HttpMethod.Delete, $"/{sales.Id}/stages/{sales.Lead}"))
        {
            await AuthApi.AssertProblemAsync(noIfMatch, HttpStatusCode.PreconditionRequired);
        }
        using (var inUse = await api.Pipelines.SendAsync(HttpMethod.Delete, $"/{sales.Id}/stages/{sales.Lead}", ifMatch: "*"))
        {
            await AuthApi.AssertProblemAsync(inUse, HttpStatusCode.Conflict);
        }
        using (var deleteDeal = await api.Deals.SendAsync(HttpMethod.Delete, $"/{deal.GetProperty("id").GetGuid()}", ifMatch: dealEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleteDeal.StatusCode);
        }
        using (var free = await api.Pipelines.SendAsync(HttpMethod.Delete, $"/{sales.Id}/stages/{sales.Lead}", ifMatch: "*"))
        {
            Assert.Equal(HttpStatusCode.NoContent, free.StatusCode);
        }
        Assert.Equal(["Proposal", "Won", "Lost"], (await api.StagesAsync(sales.Id)).Select(s => s.Name));
    }

    [Fact]
    public async Task Every_member_reads_pipelines_and_products_but_only_owners_admins_and_managers_change_them()
    {
        var owner = await DealApi.RegisterAsync(factory);
        var rep = await DealApi.JoinAsync(factory, owner, "sales_rep", "own");
        var manager = await DealApi.JoinAsync(factory, owner, "manager", "team");
        var sales = await owner.CreateSalesPipelineAsync();
        var (product, _) = await owner.Products.CreateAsync(new { name = "Seat", unitPrice = 10 });

        Assert.Equal(["Sales"], await rep.Pipelines.ListNamesAsync());
        Assert.Equal(4, (await rep.StagesAsync(sales.Id)).Count);
        Assert.Equal(["Seat"], await rep.Products.ListNamesAsync());
        foreach (var (api, method, path, body) in new (CompanyApi, HttpMethod, string, object?)[]
                 {
                     (rep.Pipelines, HttpMethod.Post, "/", new { name = "Mine" }),
                     (rep.Pipelines, HttpMethod.Patch, $"/{sales.Id}", new { name = "Renamed" }),
                     (rep.Pipelines, HttpMethod.Delete, $"/{sales.Id}", null),
                     (rep.Pipelines, HttpMethod.Post, $"/{sales.Id}/stages", new { name = "Mine" }),
                     (rep.Pipelines, HttpMethod.Patch, $"/{sales.Id}/stages/{sales.Lead}", new { name = "Renamed" }),
                     (rep.Pipelines, HttpMethod.Delete, $"/{sales.Id}/stages/{sales.Lead}", null),
                     (rep.Products, HttpMethod.Post, "/", new { name = "Mine" }),
                     (rep.Products, HttpMethod.Patch, $"/{product.GetProperty("id").GetGuid()}", new { name = "Renamed" }),
                 })
        {
            using var response = await api.SendAsync(method, path, body, "*");
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        await manager.Pipelines.CreateAsync(new { name = "Managed" });
        await manager.AddStageAsync(sales.Id, new { name = "Managed" });
        await manager.Products.CreateAsync(new { name = "Managed" });
    }
}
