namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>How <see cref="LogisticRegression"/> fits.</summary>
/// <param name="Lambda">The L2 penalty λ/2 · ‖w‖² on the standardised weights (not the bias), against the summed log loss.</param>
/// <param name="MaxIterations">Newton steps at most; a well-posed problem needs 5 to 10.</param>
/// <param name="Tolerance">Stop when half the squared Newton decrement (the predicted gain of another step) is below this.</param>
public sealed record LogisticRegressionOptions(double Lambda = 1.0, int MaxIterations = 50, double Tolerance = 1e-9);

/// <summary>
/// Fits an L2-regularised logistic regression by Newton's method (IRLS) with a backtracking line search. The objective
/// is strictly convex when λ &gt; 0 and both classes occur, so the fit converges from zero in a handful of steps, even
/// on perfectly separable data. Features are z-scored with the training set's mean and standard deviation; a
/// constant feature gets std 1, is then always 0 and keeps weight 0.
/// </summary>
public static class LogisticRegression
{
    public static LogisticRegressionModel Train(
        double[][] rows, bool[] labels, string[] featureNames, LogisticRegressionOptions? options = null)
    {
        TrainingInput.Validate(rows, labels, featureNames);
        options ??= new LogisticRegressionOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Lambda);

        var (means, stds) = Standardisation(rows, featureNames.Length);
        var z = Standardise(rows, means, stds);
        var theta = Fit(z, labels, featureNames.Length, options);

        return new LogisticRegressionModel(
            [.. featureNames], [.. means], [.. stds], [.. theta.AsSpan(1)], theta[0]);
    }

    private static (double[] Means, double[] Stds) Standardisation(double[][] rows, int p)
    {
        var means = new double[p];
        var stds = new double[p];
        for (var j = 0; j < p; j++)
        {
            var mean = 0.0;
            foreach (var row in rows)
            {
                mean += row[j];
            }
            mean /= rows.Length;
            var variance = 0.0;
            foreach (var row in rows)
            {
                variance += (row[j] - mean) * (row[j] - mean);
            }
            var std = Math.Sqrt(variance / rows.Length);
            means[j] = mean;
            // A constant feature carries no information; std 1 maps it to 0 everywhere instead of dividing by 0.
            stds[j] = std > 1e-12 * Math.Max(1, Math.Abs(mean)) ? std : 1;
        }
        return (means, stds);
    }

    /// <summary>The design matrix, row-major with a leading 1 for the bias: row i is z[i·(p+1) .. (i+1)·(p+1)).</summary>
    private static double[] Standardise(double[][] rows, double[] means, double[] stds)
    {
        var width = means.Length + 1;
        var z = new double[rows.Length * width];
        for (var i = 0; i < rows.Length; i++)
        {
            z[i * width] = 1;
            for (var j = 0; j < means.Length; j++)
            {
                z[i * width + j + 1] = (rows[i][j] - means[j]) / stds[j];
            }
        }
        return z;
    }

    /// <summary>Newton's method on Σ logloss + λ/2 ‖w‖²; θ[0] is the bias.</summary>
    private static double[] Fit(double[] z, bool[] labels, int p, LogisticRegressionOptions options)
    {
        var width = p + 1;
        var n = labels.Length;
        var theta = new double[width];
        // Starting at the base rate instead of 0 saves a step or two on unbalanced data.
        var rate = (double)labels.Count(label => label) / n;
        theta[0] = LogOdds.Logit(rate);

        var gradient = new double[width];
        var hessian = new double[width * width];
        var candidate = new double[width];
        var objective = Objective(z, labels, theta, options.Lambda);

        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (var i = 0; i < n; i++)
            {
                var row = z.AsSpan(i * width, width);
                var prob = LogOdds.Sigmoid(Dot(row, theta));
                var residual = prob - (labels[i] ? 1 : 0);
                var weight = prob * (1 - prob);
                for (var a = 0; a < width; a++)
                {
                    gradient[a] += residual * row[a];
                    var wa = weight * row[a];
                    // The Hessian is symmetric: fill the lower triangle, Cholesky reads only that.
                    for (var b = 0; b <= a; b++)
                    {
                        hessian[a * width + b] += wa * row[b];
                    }
                }
            }
            for (var a = 1; a < width; a++)
            {
                gradient[a] += options.Lambda * theta[a];
                hessian[a * width + a] += options.Lambda;
            }

            var step = SolveSymmetric(hessian, gradient, width);
            var decrement = Dot(gradient, step);
            if (decrement / 2 <= options.Tolerance)
            {
                break;
            }

            // Backtracking (Armijo): a full Newton step can overshoot where the sigmoid saturates.
            var t = 1.0;
            double next;
            while (true)
            {
                for (var a = 0; a < width; a++)
                {
                    candidate[a] = theta[a] - t * step[a];
                }
                next = Objective(z, labels, candidate, options.Lambda);
                if (next <= objective - 1e-4 * t * decrement || t < 1e-10)
                {
                    break;
                }
                t /= 2;
            }

            if (next >= objective)
            {
                break; // No descent left at machine precision: θ is as good as it gets.
            }
            Array.Copy(candidate, theta, width);
            objective = next;
        }
        return theta;
    }

    private static double Objective(double[] z, bool[] labels, double[] theta, double lambda)
    {
        var width = theta.Length;
        var loss = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var eta = Dot(z.AsSpan(i * width, width), theta);
            loss += LogOdds.Softplus(labels[i] ? -eta : eta);
        }
        var penalty = 0.0;
        for (var a = 1; a < width; a++)
        {
            penalty += theta[a] * theta[a];
        }
        return loss + lambda / 2 * penalty;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /// <summary>
    /// Solves H x = g by Cholesky on H's lower triangle. Should rounding leave H not quite positive definite (rows
    /// with probabilities of 0 or 1 weigh nothing), a little more diagonal is added until it is.
    /// </summary>
    private static double[] SolveSymmetric(double[] h, double[] g, int n)
    {
        var trace = 0.0;
        for (var i = 0; i < n; i++)
        {
            trace += h[i * n + i];
        }
        var jitter = 0.0;
        while (true)
        {
            if (TryCholesky(h, n, jitter, out var l))
            {
                var y = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var sum = g[i];
                    for (var k = 0; k < i; k++)
                    {
                        sum -= l[i * n + k] * y[k];
                    }
                    y[i] = sum / l[i * n + i];
                }
                var x = new double[n];
                for (var i = n - 1; i >= 0; i--)
                {
                    var sum = y[i];
                    for (var k = i + 1; k < n; k++)
                    {
                        sum -= l[k * n + i] * x[k];
                    }
                    x[i] = sum / l[i * n + i];
                }
                return x;
            }
            jitter = jitter == 0 ? 1e-12 * (trace / n + 1e-12) : jitter * 10;
        }
    }

    private static bool TryCholesky(double[] h, int n, double jitter, out double[] l)
    {
        l = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = h[i * n + j] + (i == j ? jitter : 0);
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i * n + k] * l[j * n + k];
                }
                if (i == j)
                {
                    if (!(sum > 0))
                    {
                        return false;
                    }
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        return true;
    }
}
