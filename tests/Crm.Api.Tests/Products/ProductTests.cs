using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Deals;

namespace Crm.Api.Tests.Products;

public sealed class ProductTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_product_is_created_listed_patched_deleted_and_restored_with_unique_skus_among_live_ones()
    {
        var api = await DealApi.RegisterAsync(factory);
        var (product, etag) = await api.Products.CreateAsync(new { name = " Seat ", sku = "SEAT-1", unitPrice = 99.5m, currency = "eur", category = "Licences" });
        var id = product.GetProperty("id").GetGuid();
        Assert.Equal("Seat", product.GetProperty("name").GetString());
        Assert.Equal("EUR", product.GetProperty("currency").GetString());
        Assert.True(product.GetProperty("isActive").GetBoolean());

        using (var duplicate = await api.Products.SendAsync(HttpMethod.Post, "/", new { name = "Other", sku = "SEAT-1" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("sku", out _));
        }
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { name = "" }, "name"),
                     (new { name = "x", unitPrice = -0.01 }, "unitPrice"),
                     (new { name = "x", unitPrice = 0.001 }, "unitPrice"),
                     (new { name = "x", currency = "EURO" }, "currency"),
                     (new { name = "x", sku = new string('s', 101) }, "sku"),
                 })
        {
            using var response = await api.Products.SendAsync(HttpMethod.Post, "/", body);
            Assert.True((await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        Assert.Equal(["Seat"], await api.Products.ListNamesAsync("?q=seat-&filter[category]=Licences"));
        using (var patch = await api.Products.SendAsync(HttpMethod.Patch, $"/{id}", new { unitPrice = 120, isActive = false }, etag))
        {
            var patched = await api.Products.ReadAsync(patch);
            Assert.Equal(120m, patched.GetProperty("unitPrice").GetDecimal());
            etag = patch.Headers.ETag!.ToString();
        }
        Assert.Empty(await api.Products.ListNamesAsync("?filter[isActive]=true"));

        using (var delete = await api.Products.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        await api.Products.CreateAsync(new { name = "New seat", sku = "SEAT-1" });
        using (var restore = await api.Products.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Conflict);
        }
        Assert.Equal(["created", "updated", "deleted"],
            (await api.AuditOfAsync("product", id)).Reverse().Select(a => a.GetProperty("action").GetString()));
    }
}
