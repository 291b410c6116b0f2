namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>
/// Forecasts a revenue series with the richest model its length supports: additive Holt-Winters from two full
/// seasons, a damped Holt trend from <see cref="MinimumForTrend"/> points, simple exponential smoothing from 3, and
/// below that the mean. Values and bounds are clamped at 0 (see <see cref="ForecastPoint"/>).
/// </summary>
public static class Forecaster
{
    /// <summary>A trend and its damping are three parameters: with fewer points they are fitted to noise.</summary>
    public const int MinimumForTrend = 6;

    /// <summary>The mean takes over below this many points: one smoothing step says nothing more than the mean.</summary>
    public const int MinimumForSmoothing = 3;

    /// <summary>
    /// Forecasts <paramref name="horizon"/> periods after <paramref name="history"/> (oldest first) with central
    /// intervals holding <paramref name="coverage"/> of the predictive distribution. <paramref name="period"/> is the
    /// season's length (12 for monthly data; 1 or less for none).
    /// </summary>
    public static ForecastResult Forecast(double[] history, int period, int horizon, double coverage = 0.8)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegative(horizon);
        var z = NormalDistribution.IntervalZ(coverage); // also refuses a coverage outside (0, 1) before any fitting

        if (period >= 2 && history.Length >= 2 * period)
        {
            var model = HoltWinters.Fit(history, period);
            return new ForecastResult(ForecastMethod.HoltWinters, model.Forecast(horizon, coverage),
                new Dictionary<string, double>
                {
                    ["alpha"] = model.Alpha, ["beta"] = model.Beta, ["gamma"] = model.Gamma, ["sigma"] = Math.Sqrt(model.Sigma2),
                },
                model.Rmse, coverage, HasIntervals: true);
        }
        if (history.Length >= MinimumForTrend)
        {
            var model = DampedHolt.Fit(history);
            return new ForecastResult(ForecastMethod.DampedHolt, model.Forecast(horizon, coverage),
                new Dictionary<string, double>
                {
                    ["alpha"] = model.Alpha, ["beta"] = model.Beta, ["phi"] = model.Phi, ["sigma"] = Math.Sqrt(model.Sigma2),
                },
                model.Rmse, coverage, HasIntervals: true);
        }
        if (history.Length >= MinimumForSmoothing)
        {
            var model = SimpleExponentialSmoothing.Fit(history);
            return new ForecastResult(ForecastMethod.SimpleExponentialSmoothing, model.Forecast(horizon, coverage),
                new Dictionary<string, double> { ["alpha"] = model.Alpha, ["sigma"] = Math.Sqrt(model.Sigma2) },
                model.Rmse, coverage, HasIntervals: true);
        }
        return MeanForecast(history, horizon, coverage, z);
    }

    // Two points: the mean with a prediction interval for one new draw, ȳ ± z·s·√(1 + 1/n). One point or none: no
    // spread can be estimated, so the interval collapses onto the value (0 without any history) and says so.
    private static ForecastResult MeanForecast(double[] history, int horizon, double coverage, double z)
    {
        var n = history.Length;
        var mean = n == 0 ? 0 : history.Average();
        var sampleVariance = n < 2 ? 0 : history.Sum(y => (y - mean) * (y - mean)) / (n - 1);
        var predictiveVariance = n < 2 ? 0 : sampleVariance * (1 + 1.0 / n);
        var points = Enumerable.Range(1, horizon).Select(h => ForecastPoint.FromMoments(h, mean, predictiveVariance, z)).ToList();
        var rmse = n == 0 ? 0 : Math.Sqrt(history.Average(y => (y - mean) * (y - mean)));
        return new ForecastResult(ForecastMethod.Mean, points,
            new Dictionary<string, double> { ["mean"] = mean, ["sigma"] = Math.Sqrt(sampleVariance) },
            rmse, coverage, HasIntervals: n >= 2);
    }
}
