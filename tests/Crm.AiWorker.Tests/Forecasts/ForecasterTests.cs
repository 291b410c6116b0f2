using Crm.AiWorker.Features.Forecasts.TimeSeries;

namespace Crm.AiWorker.Tests.Forecasts;

/// <summary>
/// Forecasts of synthetic monthly revenue with a known trend, season and noise: accurate points, honest intervals,
/// and graceful fallbacks when the history is short.
/// </summary>
public sealed class ForecasterTests
{
    private const int Months = 12;

    /// <summary>Revenue 10,000 + 120·t with a ±1,500 yearly wave and N(0, 300²) noise; 60 months of history, then 12 more.</summary>
    private static (double[] History, double[] Future) Series(int seed, int historyLength = 60, int futureLength = Months)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, historyLength + futureLength)
            .Select(t => 10_000 + 120.0 * t + 1_500 * Math.Sin(2 * Math.PI * t / Months) + 300 * Gaussian(random))
            .ToArray();
        return (values[..historyLength], values[historyLength..]);
    }

    // Box–Muller: one standard normal draw from two uniform ones.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Holt_Winters_forecasts_a_trend_and_a_season_within_a_few_percent()
    {
        var (history, future) = Series(seed: 1);

        var forecast = Forecaster.Forecast(history, period: Months, horizon: Months);

        Assert.Equal(ForecastMethod.HoltWinters, forecast.Method);
        Assert.Equal(Months, forecast.Points.Count);
        Assert.Equal(Enumerable.Range(1, Months), forecast.Points.Select(p => p.Step));
        var mape = forecast.Points.Select((p, i) => Math.Abs(p.Value - future[i]) / future[i]).Average();
        Assert.InRange(mape, 0, 0.10);
        Assert.InRange(forecast.InSampleRmse, 100, 600); // the noise is 300: neither a perfect fit nor a bad one
        Assert.All(["alpha", "beta", "gamma"], p => Assert.InRange(forecast.Parameters[p], 0, 1));
        Assert.True(forecast.Parameters["gamma"] <= 1 - forecast.Parameters["alpha"] + 1e-12);
    }

    [Fact]
    public void About_eighty_percent_of_future_values_fall_inside_the_eighty_percent_intervals()
    {
        var (inside, total, mapes) = (0, 0, new List<double>());
        for (var seed = 100; seed < 300; seed++)
        {
            var (history, future) = Series(seed);
            var forecast = Forecaster.Forecast(history, Months, Months, coverage: 0.8);
            for (var i = 0; i < Months; i++)
            {
                var point = forecast.Points[i];
                inside += point.Lower <= future[i] && future[i] <= point.Upper ? 1 : 0;
                total++;
            }
            mapes.Add(forecast.Points.Select((p, i) => Math.Abs(p.Value - future[i]) / future[i]).Average());
        }

        Assert.InRange((double)inside / total, 0.70, 0.90); // 78.5% when written
        Assert.InRange(mapes.Average(), 0, 0.10);
    }

    [Fact]
    public void Wider_coverage_gives_wider_intervals_and_intervals_widen_with_the_horizon()
    {
        var (history, _) = Series(seed: 7);

        var eighty = Forecaster.Forecast(history, Months, 24, coverage: 0.8).Points;
        var ninetyFive = Forecaster.Forecast(history, Months, 24, coverage: 0.95).Points;

        var widths = eighty.Select(p => p.Upper - p.Lower).ToList();
        Assert.All(widths.Zip(widths.Skip(1)), w => Assert.True(w.Second >= w.First - 1e-9));
        Assert.True(widths[^1] > widths[0] * 1.2);
        Assert.All(eighty.Zip(ninetyFive), p => Assert.True(p.Second.Upper - p.Second.Lower > p.First.Upper - p.First.Lower));
        Assert.All(eighty, p => Assert.True(p.Lower <= p.Value && p.Value <= p.Upper));
    }

    [Theory]
    [InlineData(0, ForecastMethod.Mean, false)]
    [InlineData(1, ForecastMethod.Mean, false)]
    [InlineData(2, ForecastMethod.Mean, true)]
    [InlineData(3, ForecastMethod.SimpleExponentialSmoothing, true)]
    [InlineData(5, ForecastMethod.SimpleExponentialSmoothing, true)]
    [InlineData(6, ForecastMethod.DampedHolt, true)]
    [InlineData(23, ForecastMethod.DampedHolt, true)]
    [InlineData(24, ForecastMethod.HoltWinters, true)]
    public void Short_histories_fall_back_to_simpler_methods(int length, ForecastMethod method, bool hasIntervals)
    {
        var (history, _) = Series(seed: 3, historyLength: length);

        var forecast = Forecaster.Forecast(history, Months, horizon: 6);

        Assert.Equal(method, forecast.Method);
        Assert.Equal(hasIntervals, forecast.HasIntervals);
        Assert.Equal(6, forecast.Points.Count);
        Assert.All(forecast.Points, p => Assert.True(double.IsFinite(p.Value) && p.Lower <= p.Value && p.Value <= p.Upper));
        Assert.Equal(hasIntervals, forecast.Points.All(p => p.Upper > p.Lower));
        if (length > 0)
        {
            // Nothing in this history is far from 10,000–17,000: no fallback may wander off.
            Assert.All(forecast.Points, p => Assert.InRange(p.Value, 5_000, 20_000));
        }
    }

    [Fact]
    public void Without_seasons_the_damped_trend_follows_growth_and_flattens_out()
    {
        double[] history = [100, 110, 120, 130, 140, 150, 160, 170];

        var forecast = Forecaster.Forecast(history, period: 1, horizon: 40);

        Assert.Equal(ForecastMethod.DampedHolt, forecast.Method);
        Assert.True(forecast.Points[0].Value > 170);
        var steps = forecast.Points.Zip(forecast.Points.Skip(1), (a, b) => b.Value - a.Value).ToList();
        Assert.True(steps[^1] < steps[0] / 2); // the trend fades by φ per step
        Assert.InRange(forecast.Parameters["phi"], 0.8, 0.98);
    }

    [Fact]
    public void The_mean_of_two_points_has_a_prediction_interval_from_their_spread()
    {
        var forecast = Forecaster.Forecast([100, 140], period: Months, horizon: 2, coverage: 0.8);

        // s = 28.28, so the interval is 120 ± 1.2816 · 28.28 · √1.5.
        var point = forecast.Points[0];
        Assert.Equal(120, point.Value, 9);
        Assert.Equal(120 + 1.2815516 * Math.Sqrt(800) * Math.Sqrt(1.5), point.Upper, 4);
    }

    [Fact]
    public void Revenue_never_goes_below_zero()
    {
        double[] falling = [900, 800, 700, 600, 500, 400, 300, 200];

        var forecast = Forecaster.Forecast(falling, period: Months, horizon: 24);

        Assert.Equal(0, forecast.Points[^1].Value); // the falling trend would have crossed zero
        Assert.All(forecast.Points, p => Assert.True(p.Lower >= 0 && p.Value >= 0 && p.Upper >= 0));
    }

    [Fact]
    public void A_bad_coverage_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Forecaster.Forecast([1, 2, 3], Months, 3, coverage: 1));
    }
}
