using System.Globalization;
using System.Text.Json;
using Crm.AiWorker.Features.Forecasts.TimeSeries;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Forecasts;

/// <summary>One month of won revenue: "2025-03" and its total in the forecast's currency.</summary>
public sealed record MonthValue(string Month, double Value);

/// <summary>One forecast month with its prediction interval (of <see cref="RevenueForecast.Coverage"/>).</summary>
public sealed record MonthForecast(string Month, double Value, double Lower, double Upper);

/// <summary>
/// The won-revenue forecast of a workspace (ai_forecasts): won deals summed by the month of their close date, the
/// last <see cref="HistoryMonths"/> complete months, forecast <see cref="HorizonMonths"/> months ahead with a yearly
/// season (<see cref="Forecaster"/>, <see cref="Coverage"/> intervals).
/// </summary>
/// <remarks>
/// <para>Revenue is not converted between currencies (the CRM keeps no exchange rates): the forecast is in the
/// workspace's main currency, the one most of its live deals are in (ties: alphabetical), and won deals in any other
/// currency are left out and counted in the metrics (<c>excludedCurrencies</c>) so that the omission is visible.</para>
/// <para>The current month is not part of the history: it is incomplete, and a half month of revenue read as a full
/// one would look like a collapse. It is the forecast's first month. A won deal without an actual close date counts in
/// the month it was last updated (when it was marked won). The history starts at the month of the workspace's first
/// deal when that is later than 36 months ago: the months before the CRM was used are unknown, not zero. Within it,
/// months without a won deal are zero.</para>
/// </remarks>
public static class RevenueForecast
{
    public const int HistoryMonths = 36;
    public const int HorizonMonths = 6;
    public const int SeasonMonths = 12;
    public const double Coverage = 0.8;

    /// <summary>Computes and upserts the forecast; null (and nothing written) when the workspace has no won deal in its main currency before this month.</summary>
    public static async Task<ForecastResult?> RefreshAsync(CrmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var currencies = await db.Deals.AsNoTracking().Where(d => d.DeletedAt == null)
            .GroupBy(d => d.Currency).Select(g => new { Currency = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        if (currencies.Count == 0)
        {
            return null;
        }
        var currency = currencies.OrderByDescending(c => c.Count).ThenBy(c => c.Currency, StringComparer.Ordinal).First().Currency.Trim();

        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var windowStart = thisMonth.AddMonths(-HistoryMonths);
        var firstDeal = await db.Deals.Where(d => d.DeletedAt == null).MinAsync(d => (DateTimeOffset?)d.CreatedAt, cancellationToken);
        var won = (await db.Deals.AsNoTracking()
                .Where(d => d.DeletedAt == null && d.Status == DealStatus.Won)
                .Select(d => new { d.Currency, d.Value, d.ActualCloseDate, d.UpdatedAt })
                .ToListAsync(cancellationToken))
            .Select(d => (Currency: d.Currency.Trim(), d.Value, Closed: d.ActualCloseDate ?? DateOnly.FromDateTime(d.UpdatedAt.UtcDateTime)))
            .Where(d => d.Closed >= windowStart && d.Closed < thisMonth)
            .ToList();
        var inCurrency = won.Where(d => d.Currency == currency).ToList();
        if (inCurrency.Count == 0)
        {
            return null;
        }

        // The first deal's month, or the first won deal's if deals were imported with older close dates.
        var firstKnown = new[] { firstDeal is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : thisMonth, inCurrency.Min(d => d.Closed) }.Min();
        var start = new DateOnly(firstKnown.Year, firstKnown.Month, 1);
        if (start < windowStart)
        {
            start = windowStart;
        }
        var months = new List<DateOnly>();
        for (var month = start; month < thisMonth; month = month.AddMonths(1))
        {
            months.Add(month);
        }
        var byMonth = inCurrency.GroupBy(d => new DateOnly(d.Closed.Year, d.Closed.Month, 1)).ToDictionary(g => g.Key, g => (double)g.Sum(d => d.Value));
        var history = months.Select(m => new MonthValue(Month(m), byMonth.GetValueOrDefault(m))).ToList();

        var result = Forecaster.Forecast([.. history.Select(h => h.Value)], SeasonMonths, HorizonMonths, Coverage);
        var forecast = result.Points
            .Select(p => new MonthForecast(Month(thisMonth.AddMonths(p.Step - 1)), Round(p.Value), Round(p.Lower), Round(p.Upper)))
            .ToList();
        var excluded = won.Where(d => d.Currency != currency)
            .GroupBy(d => d.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new { deals = g.Count(), value = g.Sum(d => d.Value) });
        var method = MethodName(result.Method);
        var metrics = new
        {
            method,
            rmse = Round(result.InSampleRmse),
            parameters = result.Parameters.ToDictionary(p => p.Key, p => Math.Round(p.Value, 6)),
            coverage = result.Coverage,
            hasIntervals = result.HasIntervals,
            historyMonths = history.Count,
            wonDeals = inCurrency.Count,
            excludedCurrencies = excluded,
            excludedDeals = won.Count - inCurrency.Count,
        };

        var row = await db.AiForecasts.FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            row = new AiForecast { Currency = currency, Method = method };
            db.AiForecasts.Add(row);
        }
        row.Currency = currency;
        row.Method = method;
        row.History = JsonSerializer.Serialize(history, JsonSerializerOptions.Web);
        row.Forecast = JsonSerializer.Serialize(forecast, JsonSerializerOptions.Web);
        row.Metrics = JsonSerializer.Serialize(metrics, JsonSerializerOptions.Web);
        row.GeneratedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>The stored name of a method: "holt_winters", "damped_holt", "simple_exponential_smoothing", "mean".</summary>
    public static string MethodName(ForecastMethod method) => JsonNamingPolicy.SnakeCaseLower.ConvertName(method.ToString());

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 2);
}
