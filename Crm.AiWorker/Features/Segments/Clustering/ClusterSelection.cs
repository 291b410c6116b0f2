namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>One candidate number of clusters and how well it did.</summary>
public sealed record KScore(int K, double Silhouette, double Inertia);

/// <summary>The chosen number of clusters, its clustering, and the scores of every k tried.</summary>
public sealed record ClusterSelectionResult(int BestK, KMeansResult Best, IReadOnlyList<KScore> Scores);

/// <summary>
/// Chooses the number of clusters by the mean silhouette: k-means for each k in a range, keep the k whose clusters
/// are the most compact and separated. Inertia cannot be used for that, since it only falls as k grows. On equal
/// silhouettes the smaller k wins: fewer segments are easier to act on.
/// </summary>
public static class ClusterSelection
{
    /// <param name="data">The rows to cluster, already standardised (see <see cref="Standardizer"/>).</param>
    /// <param name="kMin">The smallest k tried, at least 2 (the silhouette needs two clusters).</param>
    /// <param name="kMax">The largest k tried; lowered to the number of rows − 1 on small data.</param>
    /// <param name="seed">Seeds k-means and the silhouette's sample: the same data and seed give the same answer.</param>
    /// <param name="nInit">k-means restarts per k.</param>
    public static ClusterSelectionResult ChooseK(
        double[][] data, int kMin = 2, int kMax = 8, int seed = 0, int nInit = KMeans.DefaultRestarts)
    {
        Matrix.Dimensions(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(kMin, 2);
        var highest = Math.Min(kMax, data.Length - 1);
        if (highest < kMin)
        {
            throw new ArgumentException(
                $"Choosing between {kMin} and {kMax} clusters needs at least {kMin + 1} rows; there are {data.Length}.",
                nameof(data));
        }

        var scores = new List<KScore>();
        KMeansResult? best = null;
        var bestSilhouette = double.NegativeInfinity;
        for (var k = kMin; k <= highest; k++)
        {
            var result = KMeans.Fit(data, k, seed, nInit);
            var silhouette = Silhouette.Mean(data, result.Labels, seed);
            scores.Add(new KScore(k, silhouette, result.Inertia));
            if (silhouette > bestSilhouette)
            {
                best = result;
                bestSilhouette = silhouette;
            }
        }
        return new ClusterSelectionResult(best!.K, best, scores);
    }
}
