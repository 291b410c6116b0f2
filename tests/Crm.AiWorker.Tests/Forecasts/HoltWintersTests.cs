using Crm.AiWorker.Features.Forecasts.TimeSeries;

namespace Crm.AiWorker.Tests.Forecasts;

/// <summary>The pieces under the forecaster: the variance formula, the normal quantile, exact recovery of clean data.</summary>
public sealed class HoltWintersTests
{
    [Theory]
    [InlineData(0.9, 1.2815515655)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.9599639845)]
    [InlineData(0.01, -2.3263478740)]
    [InlineData(0.999, 3.0902323062)]
    public void The_inverse_normal_matches_tabulated_quantiles(double p, double z)
    {
        Assert.Equal(z, NormalDistribution.InverseCdf(p), 7);
    }

    [Fact]
    public void The_closed_form_variance_equals_the_sum_of_squared_error_weights()
    {
        // ETS(A,A,A) in state-space form: the h-step error is ε + Σ_{j<h} c_j ε_j with c_j = α + βj + γ[j mod m = 0].
        var (alpha, betaStar, gamma, m) = (0.4, 0.3, 0.2, 4);
        var beta = alpha * betaStar;
        for (var h = 1; h <= 20; h++)
        {
            var weights = Enumerable.Range(1, h - 1).Select(j => alpha + beta * j + (j % m == 0 ? gamma : 0)).Sum(c => c * c);

            Assert.Equal(2.5 * (1 + weights), HoltWinters.ForecastVariance(2.5, alpha, betaStar, gamma, m, h), 9);
        }
    }

    [Fact]
    public void A_noiseless_seasonal_trend_is_continued_almost_exactly()
    {
        double[] pattern = [30, -10, -40, 20];
        var series = Enumerable.Range(0, 16).Select(t => 500 + 5.0 * t + pattern[t % 4]).ToArray();

        var model = HoltWinters.Fit(series, period: 4);
        var forecast = model.Forecast(8);

        for (var h = 1; h <= 8; h++)
        {
            var t = 15 + h;
            Assert.Equal(500 + 5.0 * t + pattern[t % 4], forecast[h - 1].Value, 1);
        }
        Assert.True(model.Rmse < 0.5);
    }

    [Fact]
    public void Fewer_than_two_seasons_is_refused_by_the_model_itself()
    {
        Assert.Throws<ArgumentException>(() => HoltWinters.Fit([1, 2, 3, 4, 5, 6, 7], period: 4));
    }
}
