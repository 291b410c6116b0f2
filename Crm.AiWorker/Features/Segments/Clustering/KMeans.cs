namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>
/// A k-means clustering: each row's cluster, the clusters' centroids and sizes, and the inertia (sum of squared
/// distances of rows to their centroid, the quantity k-means minimises). Clusters are numbered canonically (see
/// <see cref="KMeans"/>), so cluster 0 is the largest.
/// </summary>
public sealed record KMeansResult(int[] Labels, double[][] Centroids, int[] Sizes, double Inertia, int Iterations)
{
    public int K => Centroids.Length;

    /// <summary>The cluster of a new row: the one whose centroid is nearest (lowest number on a tie).</summary>
    public int Predict(double[] row) => KMeans.Nearest(row, Centroids);
}

/// <summary>
/// k-means: k-means++ seeding (Arthur and Vassilvitskii, 2007) from a seeded <see cref="Random"/>, then Lloyd
/// iterations until no row changes cluster or the centroids have all but stopped moving, repeated <c>nInit</c> times keeping the run with the lowest inertia,
/// because a single run can settle in a poor local minimum. The same data and seed always give the same result.
/// Clusters are then renumbered canonically: by size, largest first, ties by centroid coordinates in order. The
/// arbitrary numbering of a run (which depends on which rows seeded it) would otherwise change when the data is
/// refreshed or merely read in another order, and "segment 2" would mean something else every night.
/// </summary>
public static class KMeans
{
    public const int DefaultRestarts = 10;

    public const int DefaultMaxIterations = 300;

    // Lloyd stops when the centroids move less, in total squared distance, than this fraction of the data's mean
    // column variance (scikit-learn's tol). On overlapping clusters the last iterations swap a border row or two
    // each and would otherwise run for hundreds of iterations to change nothing anyone would see.
    private const double RelativeTolerance = 1e-4;

    public static KMeansResult Fit(
        double[][] data, int k, int seed, int nInit = DefaultRestarts, int maxIterations = DefaultMaxIterations)
    {
        Matrix.Dimensions(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, data.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(nInit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);

        // One generator for all restarts: each restart gets different seeds, all fixed by the one seed.
        var random = new Random(seed);
        var tolerance = RelativeTolerance * MeanVariance(data);
        KMeansResult? best = null;
        for (var run = 0; run < nInit; run++)
        {
            var result = Lloyd(data, SeedPlusPlus(data, k, random), maxIterations, tolerance);
            if (best is null || result.Inertia < best.Inertia)
            {
                best = result;
            }
        }
        return Canonical(best!);
    }

    internal static int Nearest(double[] row, double[][] centroids)
    {
        var nearest = 0;
        var nearestDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var distance = Matrix.SquaredDistance(row, centroids[c]);
            if (distance < nearestDistance)
            {
                nearest = c;
                nearestDistance = distance;
            }
        }
        return nearest;
    }

    // k-means++: the first centroid is a random row, each next one a row drawn with probability proportional to its
    // squared distance from the nearest centroid so far, which spreads the seeds over the data.
    private static double[][] SeedPlusPlus(double[][] data, int k, Random random)
    {
        var centroids = new double[k][];
        centroids[0] = (double[])data[random.Next(data.Length)].Clone();
        var distances = data.Select(row => Matrix.SquaredDistance(row, centroids[0])).ToArray();

        for (var c = 1; c < k; c++)
        {
            var total = distances.Sum();
            var chosen = total > 0 ? Draw(distances, random.NextDouble() * total) : random.Next(data.Length);
            centroids[c] = (double[])data[chosen].Clone();
            for (var i = 0; i < data.Length; i++)
            {
                distances[i] = Math.Min(distances[i], Matrix.SquaredDistance(data[i], centroids[c]));
            }
        }
        return centroids;
    }

    private static int Draw(double[] weights, double target)
    {
        var cumulative = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (cumulative > target && weights[i] > 0)
            {
                return i;
            }
        }
        // Rounding can leave target at the very end of the sum: take the last row with any weight.
        return Array.FindLastIndex(weights, w => w > 0);
    }

    private static KMeansResult Lloyd(double[][] data, double[][] centroids, int maxIterations, double tolerance)
    {
        var k = centroids.Length;
        var labels = new int[data.Length];
        Array.Fill(labels, -1);
        var iterations = 0;
        var settled = false;

        while (true)
        {
            // Assigning once more after the centroids settle keeps every row with its nearest centroid.
            var changed = Assign(data, centroids, labels);
            if (!changed || settled || iterations == maxIterations)
            {
                break;
            }
            iterations++;

            var (shift, counts) = MoveCentroids(data, centroids, labels);
            var reseeded = ReseedEmptyClusters(data, centroids, labels, counts);
            settled = shift <= tolerance && !reseeded;
        }

        var inertia = 0.0;
        var sizes = new int[k];
        for (var i = 0; i < data.Length; i++)
        {
            inertia += Matrix.SquaredDistance(data[i], centroids[labels[i]]);
            sizes[labels[i]]++;
        }
        return new KMeansResult(labels, centroids, sizes, inertia, iterations);
    }

    // Each centroid becomes the mean of its rows; returns how far they moved in all (squared) and the cluster sizes.
    private static (double Shift, int[] Counts) MoveCentroids(double[][] data, double[][] centroids, int[] labels)
    {
        var (k, dimensions) = (centroids.Length, centroids[0].Length);
        var sums = new double[k][];
        var counts = new int[k];
        for (var c = 0; c < k; c++)
        {
            sums[c] = new double[dimensions];
        }
        for (var i = 0; i < data.Length; i++)
        {
            counts[labels[i]]++;
            for (var j = 0; j < dimensions; j++)
            {
                sums[labels[i]][j] += data[i][j];
            }
        }

        var shift = 0.0;
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < dimensions && counts[c] > 0; j++)
            {
                var mean = sums[c][j] / counts[c];
                shift += (mean - centroids[c][j]) * (mean - centroids[c][j]);
                centroids[c][j] = mean;
            }
        }
        return (shift, counts);
    }

    private static bool Assign(double[][] data, double[][] centroids, int[] labels)
    {
        var changed = false;
        for (var i = 0; i < data.Length; i++)
        {
            var nearest = Nearest(data[i], centroids);
            if (labels[i] != nearest)
            {
                labels[i] = nearest;
                changed = true;
            }
        }
        return changed;
    }

    // A cluster that lost all its rows moves to the row farthest from its own centroid, the one the current clusters
    // explain worst (as scikit-learn does). With fewer distinct rows than k there is no such row and it stays empty.
    private static bool ReseedEmptyClusters(double[][] data, double[][] centroids, int[] labels, int[] counts)
    {
        var reseeded = false;
        for (var c = 0; c < centroids.Length; c++)
        {
            if (counts[c] > 0)
            {
                continue;
            }

            var farthest = -1;
            var farthestDistance = 0.0;
            for (var i = 0; i < data.Length; i++)
            {
                // Skips rows already taken by another empty cluster and rows that would empty their own.
                if (labels[i] < 0 || counts[labels[i]] <= 1)
                {
                    continue;
                }
                var distance = Matrix.SquaredDistance(data[i], centroids[labels[i]]);
                if (distance > farthestDistance)
                {
                    farthest = i;
                    farthestDistance = distance;
                }
            }
            if (farthest >= 0)
            {
                counts[labels[farthest]]--;
                counts[c] = 1;
                centroids[c] = (double[])data[farthest].Clone();
                // Forces the next assignment to count as a change, so the loop goes on with the new centroid.
                labels[farthest] = -1;
                reseeded = true;
            }
        }
        return reseeded;
    }

    private static double MeanVariance(double[][] data)
    {
        var deviations = Standardizer.Fit(data).StandardDeviations;
        return deviations.Average(deviation => deviation * deviation);
    }

    private static KMeansResult Canonical(KMeansResult result)
    {
        var k = result.K;
        var order = Enumerable.Range(0, k).ToArray();

        // Insertion sort: k is small, and it is stable whatever the comparison's tolerance does to transitivity.
        for (var i = 1; i < k; i++)
        {
            var current = order[i];
            var j = i - 1;
            while (j >= 0 && Compare(result, order[j], current) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = current;
        }

        var newLabel = new int[k];
        for (var position = 0; position < k; position++)
        {
            newLabel[order[position]] = position;
        }
        return new KMeansResult(
            [.. result.Labels.Select(label => newLabel[label])],
            [.. order.Select(c => result.Centroids[c])],
            [.. order.Select(c => result.Sizes[c])],
            result.Inertia,
            result.Iterations);
    }

    private static int Compare(KMeansResult result, int a, int b)
    {
        if (result.Sizes[a] != result.Sizes[b])
        {
            return result.Sizes[b].CompareTo(result.Sizes[a]);
        }

        // The same cluster summed in another row order differs in the last bits; that must not decide the order.
        var (x, y) = (result.Centroids[a], result.Centroids[b]);
        for (var j = 0; j < x.Length; j++)
        {
            if (Math.Abs(x[j] - y[j]) > 1e-9 * Math.Max(1, Math.Max(Math.Abs(x[j]), Math.Abs(y[j]))))
            {
                return x[j].CompareTo(y[j]);
            }
        }
        return 0;
    }
}
