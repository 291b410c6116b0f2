namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>
/// Simple exponential smoothing (FPP3 section 8.1): a level only, ℓt = αyt + (1−α)ℓ(t−1), forecast flat at ℓ with
/// h-step variance σ²(1 + α²(h−1)).
/// </summary>
public sealed class SimpleExponentialSmoothing
{
    private SimpleExponentialSmoothing(double alpha, double level, double sse, int errors)
    {
        (Alpha, Level) = (alpha, level);
        Rmse = Math.Sqrt(sse / errors);
        Sigma2 = sse / Math.Max(1, errors - 1);
    }

    public double Alpha { get; }

    public double Level { get; }

    public double Rmse { get; }

    public double Sigma2 { get; }

    /// <summary>Fits α to <paramref name="series"/> (at least 2 points; the first starts the level).</summary>
    public static SimpleExponentialSmoothing Fit(IReadOnlyList<double> series)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(series.Count, 2, nameof(series));
        var alpha = ParameterSearch.Minimize(p => Run(series, p[0]).Sse, lower: [0.001], upper: [0.999], gridSteps: 20)[0];
        var (level, sse) = Run(series, alpha);
        return new SimpleExponentialSmoothing(alpha, level, sse, series.Count - 1);
    }

    public IReadOnlyList<ForecastPoint> Forecast(int horizon, double coverage = 0.8)
    {
        var z = NormalDistribution.IntervalZ(coverage);
        return Enumerable.Range(1, Math.Max(horizon, 0))
            .Select(h => ForecastPoint.FromMoments(h, Level, Sigma2 * (1 + Alpha * Alpha * (h - 1)), z))
            .ToList();
    }

    private static (double Level, double Sse) Run(IReadOnlyList<double> y, double alpha)
    {
        var (level, sse) = (y[0], 0.0);
        for (var t = 1; t < y.Count; t++)
        {
            var error = y[t] - level;
            sse += error * error;
            level += alpha * error;
        }
        return (level, sse);
    }
}
