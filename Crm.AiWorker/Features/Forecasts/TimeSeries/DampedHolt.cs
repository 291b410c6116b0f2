namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>
/// Holt's linear trend with a damped trend (FPP3 section 8.2), for series too short to show seasons: the trend fades
/// by φ per step, so a few months of growth are not extrapolated forever.
/// <code>
/// ŷ(t+h|t) = ℓt + (φ + φ² + … + φʰ)bt
/// ℓt = αyt + (1−α)(ℓ(t−1) + φb(t−1))
/// bt = β*(ℓt − ℓ(t−1)) + (1−β*)φb(t−1)
/// </code>
/// </summary>
public sealed class DampedHolt
{
    // FPP3 keeps φ in [0.8, 0.98]: below, the trend dies almost at once; above, it is hard to tell from undamped.
    private const double MinPhi = 0.8;
    private const double MaxPhi = 0.98;

    private DampedHolt(double alpha, double beta, double phi, (double Level, double Trend, double Sse) state, int errors)
    {
        (Alpha, Beta, Phi, Level, Trend) = (alpha, beta, phi, state.Level, state.Trend);
        Rmse = Math.Sqrt(state.Sse / errors);
        Sigma2 = state.Sse / Math.Max(1, errors - 3);
    }

    public double Alpha { get; }

    /// <summary>β*, the trend's smoothing parameter in the component form (the state-space β is α·β*).</summary>
    public double Beta { get; }

    public double Phi { get; }

    public double Level { get; }

    public double Trend { get; }

    public double Rmse { get; }

    public double Sigma2 { get; }

    /// <summary>Fits the model to <paramref name="series"/> (at least 3 points; the first two start level and trend).</summary>
    public static DampedHolt Fit(IReadOnlyList<double> series)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(series.Count, 3, nameof(series));
        var best = ParameterSearch.Minimize(
            p => Run(series, p[0], p[1], p[2]).Sse,
            lower: [0.001, 0.0, MinPhi],
            upper: [0.999, 1.0, MaxPhi]);
        return new DampedHolt(best[0], best[1], best[2], Run(series, best[0], best[1], best[2]), series.Count - 1);
    }

    public IReadOnlyList<ForecastPoint> Forecast(int horizon, double coverage = 0.8)
    {
        var z = NormalDistribution.IntervalZ(coverage);
        var points = new List<ForecastPoint>();
        // The state-space form's error weights: the h-step variance is σ²(1 + Σ_{j<h} (α + αβ*φ_j)²), φ_j = φ + … + φʲ.
        var (dampedSum, weights) = (0.0, 0.0);
        for (var h = 1; h <= horizon; h++)
        {
            var previousSum = dampedSum;
            dampedSum += Math.Pow(Phi, h);
            if (h > 1)
            {
                var weight = Alpha + Alpha * Beta * previousSum;
                weights += weight * weight;
            }
            points.Add(ForecastPoint.FromMoments(h, Level + dampedSum * Trend, Sigma2 * (1 + weights), z));
        }
        return points;
    }

    private static (double Level, double Trend, double Sse) Run(IReadOnlyList<double> y, double alpha, double beta, double phi)
    {
        // Start at the first observation with the first difference as trend; errors from the second observation on.
        var (level, trend, sse) = (y[0], y[1] - y[0], 0.0);
        for (var t = 1; t < y.Count; t++)
        {
            var error = y[t] - (level + phi * trend);
            sse += error * error;
            var newLevel = alpha * y[t] + (1 - alpha) * (level + phi * trend);
            trend = beta * (newLevel - level) + (1 - beta) * phi * trend;
            level = newLevel;
        }
        return (level, trend, sse);
    }
}
