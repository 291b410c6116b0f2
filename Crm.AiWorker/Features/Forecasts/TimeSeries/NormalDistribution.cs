namespace Crm.AiWorker.Features.Forecasts.TimeSeries;

/// <summary>The standard normal quantile, for prediction intervals: no statistics package needed for one function.</summary>
public static class NormalDistribution
{
    // Acklam's rational approximations (relative error below 1.2e-9), central region and tails.
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    private const double LowTail = 0.02425;

    /// <summary>The z with P(Z ≤ z) = <paramref name="p"/> for a standard normal Z; p must be in (0, 1).</summary>
    public static double InverseCdf(double p)
    {
        if (p is <= 0 or >= 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability strictly between 0 and 1 is needed.");
        }
        if (p < LowTail)
        {
            return Tail(Math.Sqrt(-2 * Math.Log(p)));
        }
        if (p > 1 - LowTail)
        {
            return -Tail(Math.Sqrt(-2 * Math.Log(1 - p)));
        }
        var q = p - 0.5;
        var r = q * q;
        return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
    }

    /// <summary>The z of a central interval holding <paramref name="coverage"/> of the mass: 1.2816 for 0.8.</summary>
    public static double IntervalZ(double coverage)
    {
        if (coverage is <= 0 or >= 1 || double.IsNaN(coverage))
        {
            throw new ArgumentOutOfRangeException(nameof(coverage), coverage, "Coverage must be strictly between 0 and 1.");
        }
        return InverseCdf(0.5 + coverage / 2);
    }

    private static double Tail(double q) =>
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
        / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
}
