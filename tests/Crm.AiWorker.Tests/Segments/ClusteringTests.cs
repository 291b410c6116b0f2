using Crm.AiWorker.Features.Segments.Clustering;

namespace Crm.AiWorker.Tests.Segments;

/// <summary>
/// Standardising, k-means, the silhouette, choosing k and naming clusters, on planted Gaussian blobs and tiny
/// hand-computed examples; and the stability that keeps segment numbers and names fixed across nightly refreshes.
/// </summary>
public sealed class ClusteringTests
{
    [Fact]
    public void Standardizer_gives_zero_mean_unit_deviation_and_zero_for_a_constant_column()
    {
        double[][] data = [[1, 10, 5], [2, 20, 5], [3, 30, 5], [4, 40, 5]];

        var standardizer = Standardizer.Fit(data);
        var z = standardizer.Transform(data);

        Assert.Equal([2.5, 25, 5], standardizer.Means);
        Assert.Equal(Math.Sqrt(1.25), standardizer.StandardDeviations[0], 12);
        for (var j = 0; j < 2; j++)
        {
            Assert.Equal(0, z.Average(row => row[j]), 12);
            Assert.Equal(1, Math.Sqrt(z.Average(row => row[j] * row[j])), 12);
        }
        Assert.All(z, row => Assert.Equal(0, row[2]));
        Assert.Equal(z[0], standardizer.Transform([1, 10, 5]));
        Assert.Equal(-1.5 / Math.Sqrt(1.25), z[0][0], 12);
        Assert.Throws<ArgumentException>(() => standardizer.Transform([1.0, 2.0]));
    }

    [Fact]
    public void KMeans_recovers_three_planted_blobs()
    {
        var (data, planted) = Blobs.Three();

        var result = KMeans.Fit(data, 3, seed: 1);

        AssertSamePartition(planted, result.Labels);
        Assert.Equal([60, 60, 60], result.Sizes);
        Assert.Equal(result.Labels[0], result.Predict([0.3, -0.2, 0.1]));
        Assert.Equal(result.Labels[^1], result.Predict([0, 9.5, -5]));
    }

    [Fact]
    public void KMeans_numbers_clusters_by_size_largest_first()
    {
        // Blobs of 10, 30 and 20 rows, in that row order.
        double[][] centres = [[0, 0], [20, 0], [0, 20]];
        int[] sizes = [10, 30, 20];
        var rows = new List<double[]>();
        for (var b = 0; b < 3; b++)
        {
            rows.AddRange(Blobs.Make([centres[b]], sizes[b], 0.5, seed: b).Data);
        }

        var result = KMeans.Fit([.. rows], 3, seed: 3);

        Assert.Equal([30, 20, 10], result.Sizes);
        Assert.Equal(0, result.Labels[10]);
        Assert.Equal(1, result.Labels[40]);
        Assert.Equal(2, result.Labels[0]);
    }

    [Fact]
    public void KMeans_leaves_a_cluster_empty_when_there_are_fewer_distinct_rows_than_k()
    {
        double[][] data = [[1, 1], [1, 1], [1, 1], [5, 5]];

        var result = KMeans.Fit(data, 3, seed: 0);

        Assert.Equal([3, 1, 0], result.Sizes);
        Assert.Equal(0, result.Inertia);
    }

    [Fact]
    public void Silhouette_of_a_tiny_example_matches_the_hand_computation()
    {
        // Clusters {0, 1} and {4, 5} on a line. Row 0: a = 1, b = (4 + 5) / 2 = 4.5, s = 1 − 1/4.5 = 7/9.
        // Row 1: a = 1, b = (3 + 4) / 2 = 3.5, s = 1 − 1/3.5 = 5/7. Rows 4 and 5 mirror them. Mean (7/9 + 5/7) / 2.
        double[][] data = [[0], [1], [4], [5]];

        Assert.Equal((7.0 / 9 + 5.0 / 7) / 2, Silhouette.Mean(data, [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void Silhouette_counts_a_singleton_as_zero_and_a_single_cluster_as_zero()
    {
        // {0, 1} and {5}: row 0 a = 1, b = 5, s = 0.8; row 1 a = 1, b = 4, s = 0.75; row 5 alone, s = 0.
        double[][] data = [[0, 0], [1, 0], [5, 0]];

        Assert.Equal((0.8 + 0.75 + 0) / 3, Silhouette.Mean(data, [0, 0, 1]), 12);
        Assert.Equal(0, Silhouette.Mean(data, [2, 2, 2]));
        // A bad split scores below a good one: {0, 5} against {1}.
        Assert.True(Silhouette.Mean(data, [0, 1, 0]) < 0);
    }

    [Fact]
    public void Silhouette_on_a_sample_is_deterministic_and_close_to_the_exact_value()
    {
        var (data, planted) = Blobs.Three(perBlob: 400);

        var exact = Silhouette.Mean(data, planted);
        var sampled = Silhouette.Mean(data, planted, seed: 5, maxRows: 300);

        Assert.Equal(sampled, Silhouette.Mean(data, planted, seed: 5, maxRows: 300));
        Assert.NotEqual(exact, sampled);
        Assert.Equal(exact, sampled, 0.02);
    }

    [Fact]
    public void ChooseK_picks_three_for_three_planted_blobs()
    {
        var (data, planted) = Blobs.Three();

        var selection = ClusterSelection.ChooseK(Standardizer.FitTransform(data), seed: 11);

        Assert.Equal(3, selection.BestK);
        Assert.Equal(Enumerable.Range(2, 7), selection.Scores.Select(score => score.K));
        Assert.Equal(selection.Scores.Max(score => score.Silhouette), selection.Scores.Single(score => score.K == 3).Silhouette);
        Assert.True(selection.Scores[0].Inertia > selection.Scores[1].Inertia);
        AssertSamePartition(planted, selection.Best.Labels);
    }

    [Fact]
    public void ChooseK_lowers_kMax_on_small_data_and_refuses_too_few_rows()
    {
        double[][] data = [[0], [0.1], [5], [5.1]];

        var selection = ClusterSelection.ChooseK(data);

        Assert.Equal([2, 3], selection.Scores.Select(score => score.K));
        Assert.Equal(2, selection.BestK);
        Assert.Throws<ArgumentException>(() => ClusterSelection.ChooseK([[0], [1]]));
    }

    [Fact]
    public void Two_runs_with_the_same_seed_give_identical_labels_and_names()
    {
        var (data, _) = Blobs.Three();
        var z = Standardizer.FitTransform(data);
        string[] features = ["deal value", "activity", "tickets"];

        var first = ClusterSelection.ChooseK(z, seed: 42);
        var second = ClusterSelection.ChooseK(z, seed: 42);

        Assert.Equal(first.Best.Labels, second.Best.Labels);
        Assert.Equal(first.Scores, second.Scores);
        Assert.Equal(ClusterNaming.Name(first.Best.Centroids, features), ClusterNaming.Name(second.Best.Centroids, features));
    }

    [Fact]
    public void Shuffling_the_rows_gives_the_same_clusters_with_the_same_numbers_and_names()
    {
        // Unequal blob sizes, so the canonical order (largest first) is fully decided by the data.
        var rows = new List<double[]>();
        var planted = new List<int>();
        double[][] centres = [[0, 0, 0], [8, 1, 4], [1, 9, -4]];
        int[] sizes = [50, 80, 30];
        for (var b = 0; b < 3; b++)
        {
            rows.AddRange(Blobs.Make([centres[b]], sizes[b], 1.2, seed: 100 + b).Data);
            planted.AddRange(Enumerable.Repeat(b, sizes[b]));
        }
        var data = Standardizer.FitTransform([.. rows]);
        string[] features = ["deal value", "activity", "tickets"];

        var permutation = Enumerable.Range(0, data.Length).ToArray();
        new Random(9).Shuffle(permutation);
        var shuffled = permutation.Select(i => data[i]).ToArray();

        var original = KMeans.Fit(data, 3, seed: 5);
        var reordered = KMeans.Fit(shuffled, 3, seed: 5);

        // Row permutation[p] of the original is row p of the shuffled data: it must carry the same label.
        var labelsBack = new int[data.Length];
        for (var p = 0; p < permutation.Length; p++)
        {
            labelsBack[permutation[p]] = reordered.Labels[p];
        }
        Assert.Equal(original.Labels, labelsBack);
        AssertSamePartition([.. planted], original.Labels);
        Assert.Equal([80, 50, 30], original.Sizes);
        Assert.Equal(ClusterNaming.Name(original.Centroids, features), ClusterNaming.Name(reordered.Centroids, features));
    }

    [Fact]
    public void Cluster_names_use_the_two_most_distinctive_features_with_high_and_low_words()
    {
        ClusterFeature[] features =
        [
            ClusterFeature.Plain("deal value"),
            new("days since last activity", "long inactive", "recent activity"),
            ClusterFeature.Plain("open tickets"),
        ];
        double[][] centroids =
        [
            [1.8, -1.1, 0.2],
            [-0.9, 2.0, -0.3],
            [0.1, -0.2, 0.1],
        ];

        var names = ClusterNaming.Name(centroids, features);

        Assert.Equal(["High deal value, recent activity", "Long inactive, low deal value", ClusterNaming.AverageName], names);
    }

    [Fact]
    public void Cluster_names_are_unique_within_a_run()
    {
        string[] features = ["deal value", "activity", "tickets"];
        double[][] centroids =
        [
            [2.0, 1.5, 0.5],
            [1.6, 1.9, -0.8], // Same two features, other order: the same set, so it needs the third.
            [1.0, 0.9, 0.0], // Same two features and no third: numbered.
            [0, 0, 0],
            [0.1, 0, 0],
        ];

        var names = ClusterNaming.Name(centroids, features);

        Assert.Equal(
            [
                "High deal value, high activity",
                "High activity, high deal value, low tickets",
                "High deal value, high activity (2)",
                "Average profile",
                "Average profile (2)",
            ],
            names);
    }

    // Each planted group maps to exactly one label and different groups to different labels.
    private static void AssertSamePartition(int[] planted, int[] labels)
    {
        Assert.Equal(planted.Length, labels.Length);
        var labelOf = new Dictionary<int, int>();
        for (var i = 0; i < planted.Length; i++)
        {
            if (!labelOf.TryAdd(planted[i], labels[i]))
            {
                Assert.Equal(labelOf[planted[i]], labels[i]);
            }
        }
        Assert.Equal(labelOf.Count, labelOf.Values.Distinct().Count());
    }
}
