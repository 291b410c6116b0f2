using System.Globalization;
using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Deals;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Ai;

/// <summary>
/// GET /api/v1/forecast with no AI worker: the weighted pipeline is computed live from the deals the caller may see,
/// with the AI win probability where a prediction is stored (written as the worker writes it, in the workspace's
/// session) and the deal's own probability elsewhere; the won-revenue forecast is null until the worker made one.
/// </summary>
public sealed class ForecastEndpointTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_weighted_pipeline_sums_value_times_probability_by_month_and_owner_within_record_scope()
    {
        var owner = await DealApi.RegisterAsync(factory, "Forecasters");
        var rep = await DealApi.JoinAsync(factory, owner, "sales_rep", "own");
        await owner.CreateSalesPipelineAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var nextMonth = thisMonth.AddMonths(1);
        await CreateAsync(owner, "A", 1_000, 20, today);
        var b = await CreateAsync(owner, "B", 3_000, 10, today);
        await CreateAsync(owner, "C", 500, 40, nextMonth.AddDays(4));
        await CreateAsync(owner, "Later", 9_999, 90, thisMonth.AddMonths(7));
        await CreateAsync(owner, "Undated", 7_777, 90, null);
        await CreateAsync(rep, "Rep's", 700, 50, today);
        await PredictAsync(owner.WorkspaceId, b, 0.35m);

        var all = await ForecastAsync(owner, "");

        Assert.Equal("USD", all.GetProperty("currency").GetString());
        Assert.Equal(6, all.GetProperty("months").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("wonRevenue").ValueKind);
        var rows = Rows(all);
        Assert.Equal(
            [
                (Month(thisMonth), owner.UserId, 2, 4_000m, 1_250m, 1, "mixed"), // 1,000 × 20% + 3,000 × 35% (AI)
                (Month(thisMonth), rep.UserId, 1, 700m, 350m, 0, "deal"),
                (Month(nextMonth), owner.UserId, 1, 500m, 200m, 0, "deal"),
            ],
            [.. rows.OrderBy(r => r.Month, StringComparer.Ordinal).ThenByDescending(r => r.Total)]);
        var top = all.GetProperty("deals").EnumerateArray().ToList();
        Assert.Equal("Later", top[0].GetProperty("name").GetString()); // 9,999 × 90%: the largest weighted value
        var bDeal = top.Single(d => d.GetProperty("id").GetGuid() == b);
        Assert.Equal((0.35m, "ai"), (bDeal.GetProperty("winProbability").GetDecimal(), bDeal.GetProperty("probabilitySource").GetString()));

        var longer = Rows(await ForecastAsync(owner, "?months=12"));
        Assert.Contains(longer, r => r.Month == Month(thisMonth.AddMonths(7)) && r.Weighted == 8_999.1m);

        var repsOnly = Rows(await ForecastAsync(owner, $"?ownerId={rep.UserId}"));
        Assert.Equal([(Month(thisMonth), rep.UserId, 1, 700m, 350m, 0, "deal")], repsOnly);

        var asRep = Rows(await ForecastAsync(rep, ""));
        Assert.Equal([(Month(thisMonth), rep.UserId, 1, 700m, 350m, 0, "deal")], asRep); // the owner's deals are out of the rep's scope
    }

    [Theory]
    [InlineData("?months=0")]
    [InlineData("?months=25")]
    [InlineData("?months=six")]
    [InlineData("?ownerId=someone")]
    public async Task Bad_forecast_parameters_are_a_400_problem(string query)
    {
        var owner = await DealApi.RegisterAsync(factory, "Typos");

        using var response = await owner.Companies.WithResource("/api/v1/forecast").SendAsync(HttpMethod.Get, query);

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task The_won_revenue_forecast_is_the_workers_once_it_has_run()
    {
        var owner = await DealApi.RegisterAsync(factory, "Forecast readers");
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync())
        {
            db.UseSession(new TenantSession(owner.WorkspaceId, null));
            db.AiForecasts.Add(new AiForecast
            {
                Currency = "EUR",
                Method = "holt_winters",
                History = """[{"month":"2025-01","value":100}]""",
                Forecast = """[{"month":"2025-02","value":110,"lower":90,"upper":130}]""",
                Metrics = """{"method":"holt_winters"}""",
                GeneratedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var body = await ForecastAsync(owner, "");

        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        var won = body.GetProperty("wonRevenue");
        Assert.Equal("holt_winters", won.GetProperty("method").GetString());
        var point = Assert.Single(won.GetProperty("forecast").EnumerateArray());
        Assert.Equal((110, 90, 130), (point.GetProperty("value").GetInt32(), point.GetProperty("lower").GetInt32(), point.GetProperty("upper").GetInt32()));
        Assert.Equal(100, Assert.Single(won.GetProperty("history").EnumerateArray()).GetProperty("value").GetInt32());
    }

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static async Task<Guid> CreateAsync(DealApi caller, string name, decimal value, int probability, DateOnly? expectedCloseDate)
    {
        var (deal, _) = await caller.CreateDealAsync(new { name, value, probability, expectedCloseDate });
        Assert.Equal(probability, deal.GetProperty("probability").GetInt32());
        return deal.GetProperty("id").GetGuid();
    }

    /// <summary>Stores a win probability as the AI worker does: an ai_predictions row of type deal_win.</summary>
    private async Task PredictAsync(Guid workspaceId, Guid dealId, decimal probability)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(workspaceId, null));
        db.AiPredictions.Add(new AiPrediction
        {
            Model = "deal_win v1 (logistic_regression)", EntityType = "deal", EntityId = dealId, PredictionType = PredictionType.DealWin,
            Score = probability, Confidence = 0.6m, Value = $$"""{"probability":{{probability.ToString(CultureInfo.InvariantCulture)}}}""",
            PredictedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    private static async Task<JsonElement> ForecastAsync(DealApi caller, string query)
    {
        var forecast = caller.Companies.WithResource("/api/v1/forecast");
        using var response = await forecast.SendAsync(HttpMethod.Get, query);
        return await forecast.ReadAsync(response);
    }

    private static List<(string Month, Guid OwnerId, int Count, decimal Total, decimal Weighted, int Ai, string Source)> Rows(JsonElement body) =>
    [
        .. body.GetProperty("weightedPipeline").EnumerateArray().Select(r => (
            r.GetProperty("month").GetString()!, r.GetProperty("ownerId").GetGuid(), r.GetProperty("dealCount").GetInt32(),
            r.GetProperty("totalValue").GetDecimal(), r.GetProperty("weightedValue").GetDecimal(), r.GetProperty("aiPredictedDeals").GetInt32(),
            r.GetProperty("probabilitySource").GetString()!)),
    ];
}
