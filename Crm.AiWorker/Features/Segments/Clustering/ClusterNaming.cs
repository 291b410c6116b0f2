namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>
/// A clustering feature and how to say that a cluster is high or low on it, e.g. days since last activity:
/// "long inactive" and "recent activity".
/// </summary>
public sealed record ClusterFeature(string Name, string HighPhrase, string LowPhrase)
{
    /// <summary>A feature described plainly: "high deal value", "low deal value".</summary>
    public static ClusterFeature Plain(string name) => new(name, $"high {name}", $"low {name}");
}

/// <summary>
/// Names clusters after what sets them apart: the features on which the centroid lies furthest from the average
/// customer, in standard deviations (the centroids are in standardised space, so 0 is the average). A name is the
/// two most distinctive features with High/Low words, e.g. "High deal value, recent activity". Names are unique
/// within one clustering; when two clusters would share one, the later cluster (in canonical order, so always the
/// same one) gets its next most distinctive feature added.
/// </summary>
public static class ClusterNaming
{
    /// <summary>A feature closer than this many standard deviations to the average does not describe a cluster.</summary>
    public const double DistinctiveZ = 0.25;

    public const string AverageName = "Average profile";

    private const int WordsPerName = 2;

    public static IReadOnlyList<string> Name(double[][] centroids, IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        return Name(centroids, [.. featureNames.Select(ClusterFeature.Plain)]);
    }

    public static IReadOnlyList<string> Name(double[][] centroids, IReadOnlyList<ClusterFeature> features)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(features);
        if (centroids.Any(centroid => centroid is null || centroid.Length != features.Count))
        {
            throw new ArgumentException("Each centroid needs one value per feature.", nameof(centroids));
        }

        // Compared as sets of phrases: "High a, low b" and "Low b, high a" say the same thing.
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[centroids.Length];
        for (var c = 0; c < centroids.Length; c++)
        {
            var phrases = Phrases(centroids[c], features);
            string? name = null;
            for (var count = Math.Min(WordsPerName, phrases.Count); count <= phrases.Count && name is null; count++)
            {
                var chosen = phrases.Take(count).ToArray();
                if (taken.Add(string.Join('|', chosen.Order(StringComparer.OrdinalIgnoreCase))))
                {
                    name = chosen.Length == 0 ? AverageName : Capitalise(string.Join(", ", chosen));
                }
            }
            names[c] = name ?? Numbered(phrases.Count == 0 ? AverageName : Capitalise(string.Join(", ", phrases)), taken);
        }
        return names;
    }

    // The cluster's phrases, most distinctive first; ties go to the earlier feature so that names are reproducible.
    private static List<string> Phrases(double[] centroid, IReadOnlyList<ClusterFeature> features) =>
        [.. Enumerable.Range(0, features.Count)
            .Where(j => Math.Abs(centroid[j]) >= DistinctiveZ)
            .OrderByDescending(j => Math.Abs(centroid[j]))
            .ThenBy(j => j)
            .Select(j => centroid[j] > 0 ? features[j].HighPhrase : features[j].LowPhrase)];

    // The last resort for clusters alike on every distinctive feature: "Average profile (2)".
    private static string Numbered(string name, HashSet<string> taken)
    {
        for (var number = 2; ; number++)
        {
            var candidate = $"{name} ({number})";
            if (taken.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private static string Capitalise(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
