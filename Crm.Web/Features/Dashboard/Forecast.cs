namespace Crm.Web.Features.Dashboard;

/// <summary>The AI worker's forecast as <c>GET /api/v1/forecast</c> answers it (docs/api.md, "Forecast").</summary>
public sealed record Forecast(
    string Currency,
    List<ForecastPipelineMonth> WeightedPipeline,
    int OtherCurrencyDeals,
    WonRevenue? WonRevenue,
    List<ForecastDeal> Deals);

/// <summary>The open deals expected to close in one month for one owner, weighted by their win probability.</summary>
public sealed record ForecastPipelineMonth(string Month, Guid? OwnerId, string? OwnerName, int DealCount, decimal TotalValue, decimal WeightedValue);

/// <summary>Won revenue by month and its forecast with 80% intervals; null until the AI worker has run.</summary>
public sealed record WonRevenue(string Currency, string? Method, List<RevenueMonth> History, List<RevenueForecastMonth> Forecast);

public sealed record RevenueMonth(string Month, decimal Value);

public sealed record RevenueForecastMonth(string Month, decimal Value, decimal Lower, decimal Upper);

/// <summary>One of the ten open deals with the largest weighted value, with the worker's win probability when it has one.</summary>
public sealed record ForecastDeal(
    Guid Id,
    string Name,
    decimal Value,
    string Currency,
    Guid? OwnerId,
    DateOnly? ExpectedCloseDate,
    decimal WinProbability,
    string ProbabilitySource,
    decimal? Confidence,
    DateOnly? PredictedCloseDate,
    decimal WeightedValue);
