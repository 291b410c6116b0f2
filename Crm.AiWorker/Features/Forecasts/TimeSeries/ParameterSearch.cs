namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>
/// Minimises a smooth function over a box: a coarse grid finds the right basin (SSE surfaces of exponential
/// smoothing have several), then a compass search refines it. Deterministic, and a few thousand evaluations at most.
/// </summary>
internal static class ParameterSearch
{
    private const double MinimumStep = 1e-5;
    private const int MaxRefinements = 500;

    public static double[] Minimize(Func<double[], double> objective, double[] lower, double[] upper, int gridSteps = 10)
    {
        var dimensions = lower.Length;
        var best = new double[dimensions];
        var bestValue = double.PositiveInfinity;
        var point = new double[dimensions];
        var total = (int)Math.Pow(gridSteps, dimensions);
        for (var index = 0; index < total; index++)
        {
            var rest = index;
            for (var d = 0; d < dimensions; d++)
            {
                point[d] = lower[d] + (rest % gridSteps + 0.5) / gridSteps * (upper[d] - lower[d]);
                rest /= gridSteps;
            }
            var value = objective(point);
            if (value < bestValue)
            {
                bestValue = value;
                point.CopyTo(best, 0);
            }
        }

        var steps = Enumerable.Range(0, dimensions).Select(d => (upper[d] - lower[d]) / gridSteps / 2).ToArray();
        for (var iteration = 0; iteration < MaxRefinements && steps.Max() > MinimumStep; iteration++)
        {
            var improved = false;
            for (var d = 0; d < dimensions; d++)
            {
                foreach (var direction in (ReadOnlySpan<int>)[1, -1])
                {
                    var candidate = (double[])best.Clone();
                    candidate[d] = Math.Clamp(best[d] + direction * steps[d], lower[d], upper[d]);
                    var value = objective(candidate);
                    if (value < bestValue)
                    {
                        (best, bestValue, improved) = (candidate, value, true);
                        break;
                    }
                }
            }
            if (!improved)
            {
                for (var d = 0; d < dimensions; d++)
                {
                    steps[d] /= 2;
                }
            }
        }
        return best;
    }
}
