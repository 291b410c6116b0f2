using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Features.Deals;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Ai;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>
/// The sales forecast: the weighted open pipeline by expected close month (computed live, within the caller's record
/// scope), the AI worker's won-revenue forecast, and the open deals most likely to bring revenue.
/// </summary>
/// <param name="Currency">The workspace's main currency (the forecast's, else the one most visible deals are in); null without deals.</param>
/// <param name="Months">How many expected close months from the current one the pipeline covers.</param>
/// <param name="OwnerId">The one owner asked for, or null for every owner the caller sees.</param>
/// <param name="WeightedPipeline">By month and owner, months without a deal left out.</param>
/// <param name="OtherCurrencyDeals">Open deals in the window left out because they are in another currency (no exchange rates).</param>
/// <param name="WonRevenue">Null until the AI worker has forecast the workspace (or while it has no won deal).</param>
/// <param name="Deals">The open deals with the largest weighted value, at most ten.</param>
public sealed record ForecastResponse(
    string? Currency, int Months, Guid? OwnerId, IReadOnlyList<WeightedPipelineMonth> WeightedPipeline, int OtherCurrencyDeals,
    WonRevenueForecast? WonRevenue, IReadOnlyList<ForecastDeal> Deals);

/// <summary>
/// One owner's open deals expected to close in one month: their value and value × win probability.
/// <c>ProbabilitySource</c> says which probability weighed them: "ai" (all had the worker's win probability),
/// "deal" (none had: the deals' own probability) or "mixed"; <c>AiPredictedDeals</c> counts the former.
/// </summary>
public sealed record WeightedPipelineMonth(
    string Month, Guid? OwnerId, string? OwnerName, int DealCount, decimal TotalValue, decimal WeightedValue, int AiPredictedDeals,
    string ProbabilitySource);

/// <summary>The worker's latest won-revenue forecast (ai_forecasts): monthly history and forecast months with 80% intervals.</summary>
public sealed record WonRevenueForecast(string Currency, string Method, JsonNode History, JsonNode Forecast, JsonNode Metrics, DateTimeOffset GeneratedAt);

/// <summary>An open deal with its win probability ("ai" or "deal", as in <see cref="WeightedPipelineMonth"/>) and predicted close date.</summary>
public sealed record ForecastDeal(
    Guid Id, string Name, decimal Value, string Currency, Guid? OwnerId, DateOnly? ExpectedCloseDate, decimal WinProbability,
    string ProbabilitySource, decimal? Confidence, DateOnly? PredictedCloseDate, decimal WeightedValue);

/// <summary><c>GET /api/v1/forecast</c> (docs/api.md, "AI").</summary>
public static class ForecastEndpoints
{
    public const int DefaultMonths = 6;
    public const int MaxMonths = 24;
    public const int TopDeals = 10;

    public static IEndpointRouteBuilder MapForecastEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/forecast", ForecastAsync)
            .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
            .WithName("GetForecast")
            .WithSummary("The weighted pipeline by month and owner, the won-revenue forecast and the likeliest open deals")
            .WithDescription("months (1-24, default 6): the expected close months from the current one. ownerId: one owner's deals only. " +
                             "Weighted value = value × the AI win probability when the worker has predicted the deal, else × the deal's probability. " +
                             "Only the deals the caller may see count; deals in other currencies than the main one are counted apart.")
            .Produces<ForecastResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<IResult> ForecastAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var query = services.HttpContext.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var months = DefaultMonths;
        if (query.TryGetValue("months", out var monthsText)
            && (!int.TryParse(monthsText.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out months) || months is < 1 or > MaxMonths))
        {
            errors["months"] = [$"months must be a whole number from 1 to {MaxMonths}."];
        }
        Guid? ownerId = null;
        if (query.TryGetValue("ownerId", out var ownerText))
        {
            if (Guid.TryParse(ownerText.ToString(), out var owner))
            {
                ownerId = owner;
            }
            else
            {
                errors["ownerId"] = ["ownerId must be a user id (a GUID)."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The forecast parameters are not valid.");
        }

        var db = services.Db;
        var forecast = await db.AiForecasts.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var visible = DealEndpoints.Resource.Visible(services);
        var currency = forecast?.Currency.Trim() ?? await visible
            .GroupBy(d => d.Currency).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => g.Key).FirstOrDefaultAsync(cancellationToken);

        var today = DateOnly.FromDateTime(services.Now.UtcDateTime);
        var start = new DateOnly(today.Year, today.Month, 1);
        var end = start.AddMonths(months);
        var open = visible.Where(d => d.Status == DealStatus.Open && (ownerId == null || d.OwnerId == ownerId));
        var inWindow = open.Where(d => d.ExpectedCloseDate >= start && d.ExpectedCloseDate < end);
        var predictions = db.AiPredictions.Where(p => p.EntityType == DealEndpoints.EntityType && p.PredictionType == PredictionType.DealWin);

        var buckets = currency is null ? [] : await (
            from d in inWindow.Where(d => d.Currency == currency)
            join p in predictions on d.Id equals p.EntityId into matched
            from p in matched.DefaultIfEmpty()
            group new { d.Value, Probability = p != null ? p.Score : d.Probability / 100m, Ai = p != null ? 1 : 0 }
                by new { d.ExpectedCloseDate!.Value.Year, d.ExpectedCloseDate.Value.Month, d.OwnerId } into g
            select new
            {
                g.Key.Year, g.Key.Month, g.Key.OwnerId,
                Count = g.Count(), Total = g.Sum(x => x.Value), Weighted = g.Sum(x => x.Value * x.Probability), Ai = g.Sum(x => x.Ai),
            }).ToListAsync(cancellationToken);
        var otherCurrency = currency is null ? 0 : await inWindow.CountAsync(d => d.Currency != currency, cancellationToken);

        var ownerIds = buckets.Where(b => b.OwnerId != null).Select(b => b.OwnerId!.Value).Distinct().ToArray();
        var names = await db.WorkspaceMembers.AsNoTracking().Where(m => ownerIds.Contains(m.UserId))
            .Select(m => new { m.UserId, m.User!.FirstName, m.User.LastName, m.User.Email })
            .ToDictionaryAsync(m => m.UserId, m => string.Join(' ', new[] { m.FirstName, m.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : m.Email,
                cancellationToken);
        var pipeline = buckets
            .Select(b => new WeightedPipelineMonth(
                $"{b.Year:D4}-{b.Month:D2}", b.OwnerId, b.OwnerId is { } id ? names.GetValueOrDefault(id) : null, b.Count, b.Total,
                Math.Round(b.Weighted, 2), b.Ai, b.Ai == b.Count ? "ai" : b.Ai == 0 ? "deal" : "mixed"))
            .OrderBy(b => b.Month, StringComparer.Ordinal).ThenBy(b => b.OwnerName, StringComparer.Ordinal).ThenBy(b => b.OwnerId)
            .ToList();

        var top = await (
                from d in open
                join p in predictions on d.Id equals p.EntityId into matched
                from p in matched.DefaultIfEmpty()
                let probability = p != null ? p.Score : d.Probability / 100m
                orderby d.Value * probability descending, d.Id
                select new
                {
                    d.Id, d.Name, d.Value, d.Currency, d.OwnerId, d.ExpectedCloseDate, Probability = probability, Ai = p != null,
                    Confidence = p != null ? p.Confidence : (decimal?)null, PredictionValue = p != null ? p.Value : null,
                })
            .Take(TopDeals).ToListAsync(cancellationToken);
        var deals = top.Select(d => new ForecastDeal(
            d.Id, d.Name, d.Value, d.Currency.Trim(), d.OwnerId, d.ExpectedCloseDate, d.Probability, d.Ai ? "ai" : "deal", d.Confidence,
            PredictedCloseDate(d.PredictionValue), Math.Round(d.Value * d.Probability, 2))).ToList();

        var wonRevenue = forecast is null
            ? null
            : new WonRevenueForecast(forecast.Currency.Trim(), forecast.Method, JsonNode.Parse(forecast.History)!, JsonNode.Parse(forecast.Forecast)!,
                JsonNode.Parse(forecast.Metrics)!, forecast.GeneratedAt);
        return TypedResults.Ok(new ForecastResponse(currency?.Trim(), months, ownerId, pipeline, otherCurrency, wonRevenue, deals));
    }

    private static DateOnly? PredictedCloseDate(string? value)
    {
        if (value is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(value);
        return document.RootElement.TryGetProperty("predictedCloseDate", out var date) && date.ValueKind == JsonValueKind.String
               && DateOnly.TryParseExact(date.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : null;
    }
}
