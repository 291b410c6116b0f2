namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>Which model <see cref="Forecaster"/> used, from the most data-hungry down.</summary>
public enum ForecastMethod
{
    /// <summary>Additive Holt-Winters: level, trend and a season of the given period (two full seasons or more).</summary>
    HoltWinters,

    /// <summary>Holt's linear trend, damped so that it flattens out (too short for seasons).</summary>
    DampedHolt,

    /// <summary>Simple exponential smoothing: a level only.</summary>
    SimpleExponentialSmoothing,

    /// <summary>The mean of the few points there are.</summary>
    Mean,
}

/// <summary>
/// One forecast step (1 = the period after the last observation) with its prediction interval. Revenue cannot be
/// negative, so the value and both bounds are clamped at 0: a negative number would only mean that a falling trend
/// was extrapolated past zero.
/// </summary>
public sealed record ForecastPoint(int Step, double Value, double Lower, double Upper)
{
    /// <summary>A point from the model's mean and h-step variance, with the interval mean ± z·sd, clamped at 0.</summary>
    public static ForecastPoint FromMoments(int step, double mean, double variance, double z)
    {
        var spread = z * Math.Sqrt(Math.Max(variance, 0));
        return new ForecastPoint(step, Math.Max(mean, 0), Math.Max(mean - spread, 0), Math.Max(mean + spread, 0));
    }
}

/// <summary>
/// A forecast: the method chosen, its points, its fitted parameters (alpha, beta, gamma, phi, sigma… as the method
/// has them) and its in-sample one-step RMSE. <paramref name="HasIntervals"/> is false when the history was too short to
/// estimate any spread (fewer than two points): the bounds then equal the value.
/// </summary>
public sealed record ForecastResult(
    ForecastMethod Method,
    IReadOnlyList<ForecastPoint> Points,
    IReadOnlyDictionary<string, double> Parameters,
    double InSampleRmse,
    double Coverage,
    bool HasIntervals);
