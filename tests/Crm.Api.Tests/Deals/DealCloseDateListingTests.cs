using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Deals;

public sealed class DealCloseDateListingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Deals_sort_by_expected_close_date_with_undated_ones_last_and_page_through_it()
    {
        var api = await DealApi.RegisterAsync(factory);
        await api.CreateSalesPipelineAsync();
        await api.CreateDealAsync(new { name = "March", expectedCloseDate = "2031-03-01" });
        await api.CreateDealAsync(new { name = "Undated" });
        await api.CreateDealAsync(new { name = "January", expectedCloseDate = "2031-01-15" });
        await api.CreateDealAsync(new { name = "February", expectedCloseDate = "2031-02-10" });

        Assert.Equal(["January", "February", "March", "Undated"], await api.Deals.ListNamesAsync("?sort=expectedCloseDate"));
        Assert.Equal(["March", "February", "January", "Undated"], await api.Deals.ListNamesAsync("?sort=-expectedCloseDate"));

        using var first = await api.Deals.SendAsync(HttpMethod.Get, "/?sort=expectedCloseDate&limit=2");
        var page = await api.Deals.ReadAsync(first);
        var cursor = page.GetProperty("nextCursor").GetString();
        Assert.Equal(["March", "Undated"], await api.Deals.ListNamesAsync($"?sort=expectedCloseDate&limit=2&cursor={Uri.EscapeDataString(cursor!)}"));
    }

    [Fact]
    public async Task Deals_filter_by_expected_and_actual_close_date_ranges()
    {
        var api = await DealApi.RegisterAsync(factory);
        var sales = await api.CreateSalesPipelineAsync();
        await api.CreateDealAsync(new { name = "January", expectedCloseDate = "2031-01-15" });
        await api.CreateDealAsync(new { name = "February", expectedCloseDate = "2031-02-10" });
        await api.CreateDealAsync(new { name = "March", expectedCloseDate = "2031-03-01" });
        await api.CreateDealAsync(new { name = "Closed", stageId = sales.Won, actualCloseDate = "2030-12-24" });

        Assert.Equal(["February", "January"], await api.Deals.ListNamesAsync(
            "?filter[expectedCloseDate][gte]=2031-01-15&filter[expectedCloseDate][lt]=2031-03-01&sort=-expectedCloseDate"));
        Assert.Equal(["February"], await api.Deals.ListNamesAsync("?filter[expectedCloseDate]=2031-02-10"));
        Assert.Equal(["Closed"], await api.Deals.ListNamesAsync("?filter[expectedCloseDate][isNull]=true"));
        Assert.Equal(["Closed"], await api.Deals.ListNamesAsync("?filter[actualCloseDate][lte]=2030-12-31&sort=actualCloseDate"));
        Assert.Empty(await api.Deals.ListNamesAsync("?filter[actualCloseDate][gt]=2030-12-24"));
    }

    [Theory]
    [InlineData("filter[expectedCloseDate][gte]=next-week", "filter[expectedCloseDate][gte]")]
    [InlineData("filter[expectedCloseDate][lt]=2031-02-30", "filter[expectedCloseDate][lt]")]
    [InlineData("filter[actualCloseDate]=2031-01-15T00:00:00Z", "filter[actualCloseDate]")]
    [InlineData("filter[expectedCloseDate][contains]=2031", "filter[expectedCloseDate][contains]")]
    [InlineData("sort=closeDate", "sort")]
    public async Task Bad_close_date_filters_and_sorts_answer_400_naming_the_parameter(string query, string key)
    {
        var api = await DealApi.RegisterAsync(factory);
        using var response = await api.Deals.SendAsync(HttpMethod.Get, "/?" + query);
        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(key, out _));
    }
}
