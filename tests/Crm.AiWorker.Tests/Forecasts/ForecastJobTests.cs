using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.AiWorker.Features.Forecasts;
using Crm.AiWorker.Tests.Embeddings;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.AiWorker.Tests.Forecasts;

/// <summary>
/// <see cref="ForecastJob"/> on a real database: a workspace with three years of seasonal won revenue (two deals a
/// month, high in summer), 40 lost deals, and a planted signal (won deals had many activities, lost ones few), written
/// with SQL in the workspace's session. The job is run directly for that workspace, as its schedule does.
/// </summary>
public sealed class ForecastJobTests(AiWorkerFactory factory) : IClassFixture<AiWorkerFactory>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Fact]
    public async Task Seasonal_won_revenue_gets_a_seasonal_six_month_forecast_with_intervals_around_each_value()
    {
        var workspace = await SeedAsync("Seasons");

        await factory.Services.GetRequiredService<ForecastJob>().RunAsync(workspace.Id, CancellationToken.None);

        var row = await factory.InWorkspaceAsync(workspace.Id, db => db.AiForecasts.AsNoTracking().SingleAsync());
        Assert.Equal("USD", row.Currency);
        Assert.Equal("holt_winters", row.Method);
        var history = JsonDocument.Parse(row.History).RootElement.EnumerateArray().ToList();
        Assert.Equal(36, history.Count);
        Assert.Equal(workspace.Months[0].ToString("yyyy-MM", Invariant), history[0].GetProperty("month").GetString());
        Assert.Equal((double)workspace.RevenueOf(workspace.Months[^1]), history[^1].GetProperty("value").GetDouble(), 2);
        var forecast = JsonDocument.Parse(row.Forecast).RootElement.EnumerateArray().ToList();
        Assert.Equal(6, forecast.Count);
        var thisMonth = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => thisMonth.AddMonths(i).ToString("yyyy-MM", Invariant)),
            forecast.Select(f => f.GetProperty("month").GetString()));
        foreach (var point in forecast)
        {
            var (value, lower, upper) = (point.GetProperty("value").GetDouble(), point.GetProperty("lower").GetDouble(), point.GetProperty("upper").GetDouble());
            Assert.True(lower <= value && value <= upper && lower < upper, $"{point}");
        }
        // The season carries into the forecast: July's forecast is well above January's when both are in the horizon,
        // else the forecast months follow the same order as the same months a year ago.
        var lastYear = forecast.Select(f => (double)workspace.RevenueOf(DateOnly.ParseExact(f.GetProperty("month").GetString()!, "yyyy-MM", Invariant).AddYears(-1))).ToArray();
        var values = forecast.Select(f => f.GetProperty("value").GetDouble()).ToArray();
        var peak = Array.IndexOf(lastYear, lastYear.Max());
        var trough = Array.IndexOf(lastYear, lastYear.Min());
        Assert.True(values[peak] > values[trough] * 1.3, $"peak {values[peak]} vs trough {values[trough]}");
        var metrics = JsonDocument.Parse(row.Metrics).RootElement;
        Assert.Equal("holt_winters", metrics.GetProperty("method").GetString());
        Assert.Equal(1, metrics.GetProperty("excludedDeals").GetInt32()); // the one EUR deal
        Assert.Equal(1, metrics.GetProperty("excludedCurrencies").GetProperty("EUR").GetProperty("deals").GetInt32());
        Assert.True(metrics.GetProperty("parameters").TryGetProperty("gamma", out _));
    }

    [Fact]
    public async Task Deals_with_many_activities_get_a_higher_learned_win_probability_and_close_dates_are_never_past()
    {
        var workspace = await SeedAsync("Signals");

        await factory.Services.GetRequiredService<ForecastJob>().RunAsync(workspace.Id, CancellationToken.None);

        var (predictions, models) = await factory.InWorkspaceAsync(workspace.Id, async db => (
            await db.AiPredictions.AsNoTracking().Where(p => p.PredictionType == PredictionType.DealWin).ToListAsync(),
            await db.AiModels.AsNoTracking().Where(m => m.ModelType == AiModelType.DealWin).ToListAsync()));
        var model = Assert.Single(models);
        Assert.Equal(AiModelStatus.Deployed, model.Status);
        Assert.Equal(workspace.Open.Count, predictions.Count); // open deals only, not the closed ones
        var byDeal = predictions.ToDictionary(p => p.EntityId);
        var busy = workspace.Open.Where(o => o.Activities >= 6).Select(o => byDeal[o.Id]).ToList();
        var quiet = workspace.Open.Where(o => o.Activities == 0).Select(o => byDeal[o.Id]).ToList();
        Assert.True(busy.Min(p => p.Score) > quiet.Max(p => p.Score) + 0.2m,
            $"busy {string.Join(", ", busy.Select(p => p.Score))} vs quiet {string.Join(", ", quiet.Select(p => p.Score))}");
        Assert.All(predictions, p => Assert.Equal(model.Id, p.ModelId));
        Assert.All(predictions, p => Assert.InRange(p.Confidence, 0.01m, 1m));
        var busyFactors = JsonSerializer.Deserialize<List<PredictionFactor>>(busy[0].Factors, JsonSerializerOptions.Web)!;
        var activities = Assert.Single(busyFactors, f => f.Feature == "activities");
        Assert.True(activities.Points > 0);
        Assert.Contains("activities logged", activities.Text, StringComparison.Ordinal);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var open in workspace.Open)
        {
            var value = JsonDocument.Parse(byDeal[open.Id].Value).RootElement;
            var date = DateOnly.ParseExact(value.GetProperty("predictedCloseDate").GetString()!, "yyyy-MM-dd", Invariant);
            Assert.Equal("cycle_median", value.GetProperty("closeDateBasis").GetString()); // won deals took 30 days from creation
            var expected = open.CreatedOn.AddDays(30);
            Assert.Equal(expected < today ? today : expected, date);
            Assert.True(date >= today);
        }
    }

    [Fact]
    public async Task With_too_few_closed_deals_the_win_probability_is_the_deals_own_and_the_factors_say_so()
    {
        var workspace = await SeedAsync("Newcomers", months: 3, lost: 2);

        await factory.Services.GetRequiredService<ForecastJob>().RunAsync(workspace.Id, CancellationToken.None);

        var (predictions, models) = await factory.InWorkspaceAsync(workspace.Id, async db => (
            await db.AiPredictions.AsNoTracking().Where(p => p.PredictionType == PredictionType.DealWin).ToListAsync(),
            await db.AiModels.AsNoTracking().CountAsync(m => m.ModelType == AiModelType.DealWin)));
        Assert.Equal(0, models);
        Assert.Equal(workspace.Open.Count, predictions.Count);
        Assert.All(predictions, p =>
        {
            Assert.Equal(0.5m, p.Score); // the Proposal stage's 50%
            Assert.Null(p.ModelId);
            Assert.Equal(DealWinPredictor.FallbackModelName, p.Model);
            var factors = JsonSerializer.Deserialize<List<PredictionFactor>>(p.Factors, JsonSerializerOptions.Web)!;
            Assert.Contains(factors, f => f.Feature == "no_model" && f.Text.Contains("Not enough closed deals", StringComparison.Ordinal));
        });
        var forecast = await factory.InWorkspaceAsync(workspace.Id, db => db.AiForecasts.AsNoTracking().SingleAsync());
        Assert.NotEqual("holt_winters", forecast.Method); // three months are too few for a season
    }

    private sealed record OpenDeal(Guid Id, int Activities, DateOnly CreatedOn);

    private sealed record Seeded(Guid Id, List<DateOnly> Months, List<OpenDeal> Open)
    {
        /// <summary>
        /// Two won deals a month: 10,000 a month plus a yearly wave of ±6,000 peaking in July, a slow rise, and a fixed
        /// pseudo-random wobble of up to ±1,200 (without any, the fit is exact and the intervals have no width).
        /// </summary>
        public decimal RevenueOf(DateOnly month)
        {
            var index = month.Year * 12 + month.Month;
            return Math.Round(10_000m + (decimal)(6_000 * Math.Cos(2 * Math.PI * (month.Month - 7) / 12.0)) + 50m * (index - 24_000)
                              + 200m * (index * 7_919 % 13 - 6), 2);
        }
    }

    /// <summary>
    /// A workspace with a pipeline (Lead 10%, Proposal 50%, Won, Lost), <paramref name="months"/> months of won deals
    /// (2 a month, 5-8 activities each, created 30 days before their close), <paramref name="lost"/> lost deals (0-2
    /// activities), one won EUR deal, and open deals in Proposal: some with 6-8 activities, some with none.
    /// </summary>
    private async Task<Seeded> SeedAsync(string name, int months = 36, int lost = 40)
    {
        var workspace = Guid.CreateVersion7();
        await using (var command = factory.Database.DataSource.CreateCommand("INSERT INTO workspaces (id, name, slug) VALUES (@id, @name, @slug)"))
        {
            command.Parameters.AddWithValue("id", workspace);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("slug", name.ToLowerInvariant() + "-" + workspace.ToString("N")[..8]);
            await command.ExecuteNonQueryAsync();
        }
        var pipeline = Guid.CreateVersion7();
        var (leadStage, proposal, wonStage, lostStage) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var sql = new StringBuilder(
            $"""
            INSERT INTO pipelines (id, workspace_id, name, is_default) VALUES ('{pipeline}', '{workspace}', 'Sales', true);
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, kind, default_probability) VALUES
                ('{leadStage}', '{workspace}', '{pipeline}', 'Lead', 1, 'open', 10),
                ('{proposal}', '{workspace}', '{pipeline}', 'Proposal', 2, 'open', 50),
                ('{wonStage}', '{workspace}', '{pipeline}', 'Won', 3, 'won', 100),
                ('{lostStage}', '{workspace}', '{pipeline}', 'Lost', 4, 'lost', 0);

            """);
        var random = new Random(months * 1000 + lost);
        var now = DateTimeOffset.UtcNow;
        var thisMonth = new DateOnly(now.Year, now.Month, 1);
        var monthList = Enumerable.Range(1, months).Select(i => thisMonth.AddMonths(-months - 1 + i)).ToList();
        var seeded = new Seeded(workspace, monthList, []);

        void Deal(string status, string stage, decimal value, string currency, DateOnly? closed, DateTimeOffset created, int probability, int activities)
        {
            var id = Guid.CreateVersion7();
            var closedSql = closed is { } c ? $"'{c:yyyy-MM-dd}'" : "NULL";
            var lostReason = status == "lost" ? "'Price'" : "NULL";
            sql.Append(Invariant,
                $"""
                INSERT INTO deals (id, workspace_id, name, value, currency, probability, status, pipeline_id, stage_id, stage_entered_at,
                                   actual_close_date, lost_reason, created_at, updated_at)
                VALUES ('{id}', '{workspace}', 'Deal {id:N}', {value.ToString(Invariant)}, '{currency}', {probability}, '{status}', '{pipeline}', '{stage}',
                        '{created:O}', {closedSql}, {lostReason}, '{created:O}', '{created:O}');

                """);
            if (activities > 0)
            {
                sql.Append(Invariant,
                    $"""
                    INSERT INTO activities (id, workspace_id, type, subject, deal_id, status, completed_at)
                    SELECT gen_random_uuid(), '{workspace}', 'call', 'Call ' || n, '{id}', 'completed', '{created.AddDays(1):O}'::timestamptz + n * interval '1 hour'
                    FROM generate_series(1, {activities}) AS n;

                    """);
            }
            if (status == "open")
            {
                seeded.Open.Add(new OpenDeal(id, activities, DateOnly.FromDateTime(created.UtcDateTime)));
            }
        }

        DateTimeOffset At(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        foreach (var month in monthList)
        {
            var total = seeded.RevenueOf(month);
            var first = Math.Round(total * 0.6m, 2);
            foreach (var (value, day) in new[] { (first, 10), (total - first, 20) })
            {
                var closed = month.AddDays(day - 1);
                Deal("won", wonStage.ToString(), value, "USD", closed, At(closed.AddDays(-30)), 100, random.Next(5, 9));
            }
        }
        for (var i = 0; i < lost; i++)
        {
            var closed = monthList[random.Next(monthList.Count)].AddDays(random.Next(0, 28));
            Deal("lost", lostStage.ToString(), 1_000 + random.Next(0, 20_000), "USD", closed, At(closed.AddDays(-random.Next(10, 60))), 0, random.Next(0, 3));
        }
        Deal("won", wonStage.ToString(), 99_999, "EUR", monthList[^1].AddDays(4), At(monthList[^1].AddDays(-26)), 100, 6);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (activities, age) in new[] { (8, 10), (6, 100), (7, 3), (0, 10), (0, 100), (0, 3) })
        {
            Deal("open", proposal.ToString(), 5_000, "USD", null, At(today.AddDays(-age)), 50, activities);
        }
        await factory.ExecuteAsync(workspace, sql.ToString());
        return seeded;
    }
}
