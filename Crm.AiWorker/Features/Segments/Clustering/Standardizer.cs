namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>
/// Per-column z-scores, (x − mean) / standard deviation, so that k-means' Euclidean distance weighs a feature
/// measured in thousands (deal value) no more than one measured in units (open tasks). The standard deviation is the
/// population one (divide by n), as in scikit-learn's StandardScaler. A constant column carries no information and
/// becomes 0 rather than a division by zero.
/// </summary>
public sealed class Standardizer
{
    private Standardizer(double[] means, double[] standardDeviations)
    {
        Means = means;
        StandardDeviations = standardDeviations;
    }

    public IReadOnlyList<double> Means { get; }

    public IReadOnlyList<double> StandardDeviations { get; }

    /// <summary>Learns each column's mean and standard deviation from the rows of <paramref name="data"/>.</summary>
    public static Standardizer Fit(double[][] data)
    {
        var dimensions = Matrix.Dimensions(data);
        var means = new double[dimensions];
        var deviations = new double[dimensions];
        foreach (var row in data)
        {
            for (var j = 0; j < dimensions; j++)
            {
                means[j] += row[j];
            }
        }
        for (var j = 0; j < dimensions; j++)
        {
            means[j] /= data.Length;
        }

        // Two passes rather than sum of squares minus square of sum, which loses precision for large values.
        foreach (var row in data)
        {
            for (var j = 0; j < dimensions; j++)
            {
                var delta = row[j] - means[j];
                deviations[j] += delta * delta;
            }
        }
        for (var j = 0; j < dimensions; j++)
        {
            deviations[j] = Math.Sqrt(deviations[j] / data.Length);
        }
        return new Standardizer(means, deviations);
    }

    public static double[][] FitTransform(double[][] data) => Fit(data).Transform(data);

    public double[][] Transform(double[][] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return [.. data.Select(Transform)];
    }

    public double[] Transform(double[] row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != Means.Count)
        {
            throw new ArgumentException($"Expected {Means.Count} columns, got {row.Length}.", nameof(row));
        }

        var result = new double[row.Length];
        for (var j = 0; j < row.Length; j++)
        {
            // Relative threshold: a column of 1e9 ± float noise is constant too.
            var constant = StandardDeviations[j] <= 1e-12 * Math.Max(1, Math.Abs(Means[j]));
            result[j] = constant ? 0 : (row[j] - Means[j]) / StandardDeviations[j];
        }
        return result;
    }
}
