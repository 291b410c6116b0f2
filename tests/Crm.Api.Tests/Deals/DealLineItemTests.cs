using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealLineItemTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_deals_value_follows_its_lines_and_is_the_users_again_after_the_last_goes()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var (product, _) = await api.Products.CreateAsync(new { name = "Seat", sku = "SEAT-1", unitPrice = 100 });
        var (deal, _) = await api.CreateDealAsync(new { name = "Seats", value = 999, probability = 50 });
        var id = deal.GetProperty("id").GetGuid();

        var (seats, seatsEtag) = await api.AddLineAsync(id, new { productId = product.GetProperty("id").GetGuid(), quantity = 3, discountPercent = 10, taxPercent = 20 });
        Assert.Equal("Seat", seats.GetProperty("name").GetString());
        Assert.Equal("SEAT-1", seats.GetProperty("sku").GetString());
        Assert.Equal(100m, seats.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(324m, seats.GetProperty("total").GetDecimal());
        var (setup, _) = await api.AddLineAsync(id, new { name = "Setup", unitPrice = 76 });
        Assert.Equal(76m, setup.GetProperty("total").GetDecimal());

        var withLines = await api.GetDealAsync(id);
        Assert.Equal(400m, withLines.GetProperty("value").GetDecimal());
        Assert.Equal(200m, withLines.GetProperty("weightedValue").GetDecimal());
        using (var list = await api.Deals.SendAsync(HttpMethod.Get, $"/{id}/products"))
        {
            var body = await api.Deals.ReadAsync(list);
            Assert.Equal(["Seat", "Setup"], body.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
            Assert.Equal(400m, body.GetProperty("dealValue").GetDecimal());
        }

        using (var get = await api.Deals.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            var etag = get.Headers.ETag!.ToString();
            using var refused = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { value = 5 }, etag);
            var errors = (await AuthApi.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.Contains("line items", errors.GetProperty("value")[0].GetString());
            using var otherField = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { nextStep = "Sign" }, etag);
            Assert.Equal(HttpStatusCode.OK, otherField.StatusCode);
        }

        var seatsPath = $"/{id}/products/{seats.GetProperty("id").GetGuid()}";
        using (var noIfMatch = await api.Deals.SendAsync(HttpMethod.Patch, seatsPath, new { quantity = 1 }))
        {
            await AuthApi.AssertProblemAsync(noIfMatch, HttpStatusCode.PreconditionRequired);
        }
        using (var patch = await api.Deals.SendAsync(HttpMethod.Patch, seatsPath, new { quantity = 1, discountPercent = 0, taxPercent = 0 }, seatsEtag))
        {
            Assert.Equal(100m, (await api.Deals.ReadAsync(patch)).GetProperty("total").GetDecimal());
        }
        Assert.Equal(176m, (await api.GetDealAsync(id)).GetProperty("value").GetDecimal());
        using (var stale = await api.Deals.SendAsync(HttpMethod.Delete, seatsPath, ifMatch: seatsEtag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }

        foreach (var line in new[] { seatsPath, $"/{id}/products/{setup.GetProperty("id").GetGuid()}" })
        {
            using var delete = await api.Deals.SendAsync(HttpMethod.Delete, line, ifMatch: "*");
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var get = await api.Deals.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            var body = await api.Deals.ReadAsync(get);
            Assert.Equal(76m, body.GetProperty("value").GetDecimal());
            using var free = await api.Deals.SendAsync(HttpMethod.Patch, $"/{id}", new { value = 5 }, get.Headers.ETag!.ToString());
            Assert.Equal(5m, (await api.Deals.ReadAsync(free)).GetProperty("value").GetDecimal());
        }

        var valueChanges = (await api.AuditOfAsync("deal", id)).Where(a => a.GetProperty("action").GetString() == "updated"
            && a.GetProperty("newValues").TryGetProperty("value", out _)).ToList();
        Assert.Equal([5m, 76m, 176m, 400m, 324m], valueChanges.Select(a => a.GetProperty("newValues").GetProperty("value").GetDecimal()));
        var lineAudit = await api.AuditOfAsync("deal_line_item", seats.GetProperty("id").GetGuid());
        Assert.Equal(["deleted", "updated", "created"], lineAudit.Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Bad_lines_answer_400_and_leave_the_deal_as_it_was()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var (euros, _) = await api.Products.CreateAsync(new { name = "Euro thing", unitPrice = 10, currency = "EUR" });
        var (deal, _) = await api.CreateDealAsync(new { name = "Deal", value = 50 });
        var id = deal.GetProperty("id").GetGuid();

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { unitPrice = 1 }, "name"),
                     (new { name = "x" }, "unitPrice"),
                     (new { name = "x", unitPrice = -1 }, "unitPrice"),
                     (new { name = "x", unitPrice = 1, quantity = 0 }, "quantity"),
                     (new { name = "x", unitPrice = 1, discountPercent = 101 }, "discountPercent"),
                     (new { name = "x", unitPrice = 1, taxPercent = -1 }, "taxPercent"),
                     (new { name = "x", unitPrice = 9_999_999_999_999m, quantity = 2 }, "quantity"),
                     (new { productId = Guid.NewGuid() }, "productId"),
                     (new { productId = euros.GetProperty("id").GetGuid() }, "unitPrice"),
                 })
        {
            using var response = await api.Deals.SendAsync(HttpMethod.Post, $"/{id}/products", body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error on {field}, got {errors}");
        }
        var (priced, _) = await api.AddLineAsync(id, new { productId = euros.GetProperty("id").GetGuid(), unitPrice = 12 });
        Assert.Equal("Euro thing", priced.GetProperty("name").GetString());
        Assert.Equal(12m, (await api.GetDealAsync(id)).GetProperty("value").GetDecimal());

        using var missing = await api.Deals.SendAsync(HttpMethod.Post, $"/{Guid.NewGuid()}/products", new { name = "x", unitPrice = 1 });
        await AuthApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_line_changes_of_one_deal_leave_its_value_the_sum_of_all_lines()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var (deal, _) = await api.CreateDealAsync(new { name = "Deal" });
        var id = deal.GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            api.Deals.SendAsync(HttpMethod.Post, $"/{id}/products", new { name = $"Line {i}", unitPrice = i })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(36m, (await api.GetDealAsync(id)).GetProperty("value").GetDecimal());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_line_instead_of_adding_a_second()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        var (deal, _) = await api.CreateDealAsync(new { name = "Deal" });
        var id = deal.GetProperty("id").GetGuid();
        var key = Guid.NewGuid().ToString();

        using var first = await api.Deals.SendAsync(HttpMethod.Post, $"/{id}/products", new { name = "Once", unitPrice = 10 }, idempotencyKey: key);
        using var replay = await api.Deals.SendAsync(HttpMethod.Post, $"/{id}/products", new { name = "Once", unitPrice = 10 }, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal((await api.Deals.ReadAsync(first, HttpStatusCode.Created)).GetProperty("id").GetGuid(),
            (await api.Deals.ReadAsync(replay, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        Assert.Equal(10m, (await api.GetDealAsync(id)).GetProperty("value").GetDecimal());
    }
}
