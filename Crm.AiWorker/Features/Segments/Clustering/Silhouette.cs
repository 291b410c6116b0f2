namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>
/// The mean silhouette coefficient (Rousseeuw, 1987) of a clustering: for each row, a is its mean distance to the
/// other rows of its cluster and b its mean distance to the rows of the nearest other cluster, and its silhouette is
/// (b − a) / max(a, b): near 1 when it sits well inside its cluster, near 0 on a border, negative when misplaced.
/// A row alone in its cluster counts 0, as in scikit-learn. With fewer than two clusters the score is 0.
/// </summary>
public static class Silhouette
{
    /// <summary>
    /// Above this many rows the score is computed on a random sample of this many. Every row needs its distance to
    /// every other, O(n²): 2,000 rows are 2 million distances, 100,000 rows would be 5 billion. A sample of 2,000
    /// estimates the mean within a few hundredths, which is all choosing k needs.
    /// </summary>
    public const int MaxExactRows = 2000;

    /// <param name="data">The rows that were clustered (standardised, as they were for k-means).</param>
    /// <param name="labels">Each row's cluster, 0 or more.</param>
    /// <param name="seed">Seeds the sample, so that the same data always gives the same score.</param>
    /// <param name="maxRows">Rows above which a sample is used.</param>
    public static double Mean(double[][] data, int[] labels, int seed = 0, int maxRows = MaxExactRows)
    {
        Matrix.Dimensions(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != data.Length)
        {
            throw new ArgumentException("There must be one label per row.", nameof(labels));
        }
        if (labels.Any(label => label < 0))
        {
            throw new ArgumentException("Labels must be 0 or more.", nameof(labels));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 2);

        var rows = data.Length <= maxRows ? Enumerable.Range(0, data.Length).ToArray() : Sample(data.Length, maxRows, seed);
        return MeanOf(data, labels, rows);
    }

    private static double MeanOf(double[][] data, int[] labels, int[] rows)
    {
        var clusters = labels.Max() + 1;
        var counts = new int[clusters];
        foreach (var i in rows)
        {
            counts[labels[i]]++;
        }
        if (counts.Count(count => count > 0) < 2)
        {
            return 0;
        }

        // distanceSums[p][c]: the sum of the distances from rows[p] to the rows of cluster c. Each pair is computed
        // once and added to both ends.
        var distanceSums = new double[rows.Length][];
        for (var p = 0; p < rows.Length; p++)
        {
            distanceSums[p] = new double[clusters];
        }
        for (var p = 0; p < rows.Length; p++)
        {
            for (var q = p + 1; q < rows.Length; q++)
            {
                var distance = Math.Sqrt(Matrix.SquaredDistance(data[rows[p]], data[rows[q]]));
                distanceSums[p][labels[rows[q]]] += distance;
                distanceSums[q][labels[rows[p]]] += distance;
            }
        }

        var total = 0.0;
        for (var p = 0; p < rows.Length; p++)
        {
            var own = labels[rows[p]];
            if (counts[own] < 2)
            {
                continue;
            }

            var a = distanceSums[p][own] / (counts[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < clusters; c++)
            {
                if (c != own && counts[c] > 0)
                {
                    b = Math.Min(b, distanceSums[p][c] / counts[c]);
                }
            }
            var scale = Math.Max(a, b);
            total += scale > 0 ? (b - a) / scale : 0;
        }
        return total / rows.Length;
    }

    // A partial Fisher–Yates shuffle: the first size positions are a uniform sample without replacement.
    private static int[] Sample(int n, int size, int seed)
    {
        var random = new Random(seed);
        var indices = Enumerable.Range(0, n).ToArray();
        for (var i = 0; i < size; i++)
        {
            var j = random.Next(i, n);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
        var sample = indices[..size];
        Array.Sort(sample);
        return sample;
    }
}
