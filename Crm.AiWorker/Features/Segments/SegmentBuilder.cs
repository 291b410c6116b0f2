using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Crm.AiWorker.Features.Segments.Clustering;
using Crm.Domain.Ai;

namespace Crm.AiWorker.Features.Segments;

/// <summary>A customer in a segment: its scores (from its RFM scores) and the features shown with it.</summary>
public sealed record SegmentMemberDraft(string EntityType, Guid EntityId, decimal ChurnRisk, decimal OpportunityScore, JsonObject Features);

/// <summary>A segment as one refresh computed it, with its aggregates, before it is matched to its stored row by type and key.</summary>
public sealed record SegmentDraft(
    SegmentType Type, string Key, string Name, string Description, JsonObject Criteria, string CriteriaDescription, JsonObject Insights,
    IReadOnlyList<SegmentMemberDraft> Members, decimal TotalDealValue, decimal AvgDealValue, decimal ConversionRate, decimal RiskScore,
    decimal OpportunityScore);

/// <summary>The segments of one refresh, and why there are no clusters when there are none.</summary>
public sealed record Segmentation(
    int Customers, IReadOnlyList<SegmentDraft> Segments, int? K, double? Silhouette, string? ClusteringSkipped);

/// <summary>
/// Computes a workspace's segments from its customers, without the database: the RFM segments present (one per named
/// segment with at least one customer) and the k-means clusters of behaviour. Everything is deterministic: the
/// customers come ordered by id and k-means is seeded, so the same data gives the same segments, keys and members.
/// </summary>
public static class SegmentBuilder
{
    /// <summary>Below this many customers k-means is skipped: a silhouette over a handful of points picks noise.</summary>
    public const int MinCustomersForClusters = 20;

    /// <summary>The largest number of clusters tried; more segments than this are more than a sales team acts on.</summary>
    public const int MaxClusters = 8;

    /// <summary>Seeds k-means and the silhouette's sample: fixed, so that refreshes of the same data agree.</summary>
    public const int Seed = 20_250_601;

    /// <summary>
    /// The k-means features, in the order of a row, with the words that name a cluster high or low on each. Money is
    /// taken as log(1 + value): deal values are heavy-tailed, and on a linear scale one very large customer would be a
    /// cluster of its own while everyone else is "average".
    /// </summary>
    public static readonly IReadOnlyList<ClusterFeature> Features =
    [
        new("wonDeals", "frequent buyers", "infrequent buyers"),
        new("wonValue", "high spend", "low spend"),
        new("recencyDays", "long since last purchase", "recent purchase"),
        new("recentActivities", "highly engaged", "little recent engagement"),
        new("openDealValue", "large open pipeline", "small open pipeline"),
        new("winRate", "high win rate", "low win rate"),
    ];

    // Which features are log(1 + x), to turn centroids back into the original units.
    private static readonly bool[] Logged = [false, true, false, false, true, false];

    public static Segmentation Build(IReadOnlyList<CustomerProfile> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        if (customers.Count == 0)
        {
            return new Segmentation(0, [], null, null, "No customers: no company or contact has a won deal.");
        }

        var scores = RfmScoring.Score([.. customers.Select(c => new RfmInput(c.EntityId, c.RecencyDays, c.WonDeals, c.WonValue))]);
        var features = customers.Select((c, i) => FeaturesOf(c, scores[i])).ToArray();
        var members = customers.Select((c, i) => new SegmentMemberDraft(
            c.EntityType, c.EntityId, Score(scores[i].ChurnRisk), Score(scores[i].Opportunity), features[i])).ToArray();

        var segments = new List<SegmentDraft>();
        string? skipped = null;
        ClusterSelectionResult? clustering = null;
        if (customers.Count < MinCustomersForClusters)
        {
            skipped = $"Behaviour clusters need at least {MinCustomersForClusters} customers; there are {customers.Count}.";
        }
        else
        {
            var rows = customers.Select(Row).ToArray();
            var standardizer = Standardizer.Fit(rows);
            var standardized = standardizer.Transform(rows);
            clustering = ClusterSelection.ChooseK(standardized, 2, MaxClusters, Seed);
            for (var i = 0; i < customers.Count; i++)
            {
                features[i]["cluster"] = ClusterKey(clustering.Best.Labels[i]);
            }
            segments.AddRange(Clusters(customers, members, clustering, standardizer));
        }

        var rfm = RfmSegmentsOf(customers, scores, members, skipped);
        segments.InsertRange(0, rfm);
        return new Segmentation(customers.Count, segments, clustering?.BestK,
            clustering is null ? null : Math.Round(clustering.Scores.First(s => s.K == clustering.BestK).Silhouette, 4), skipped);
    }

    /// <summary>"champions", "cant_lose_them": the segment's name in snake_case, its key across refreshes.</summary>
    public static string RfmKey(RfmSegment segment)
    {
        var name = segment.ToString();
        var key = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                key.Append('_');
            }
            key.Append(char.ToLowerInvariant(name[i]));
        }
        return key.ToString();
    }

    /// <summary>"cluster-0" is the largest cluster (the canonical numbering of <see cref="KMeans"/>).</summary>
    public static string ClusterKey(int cluster) => $"cluster-{cluster}";

    private static double[] Row(CustomerProfile c) =>
    [
        c.WonDeals, Math.Log(1 + (double)c.WonValue), c.RecencyDays, c.RecentActivities, Math.Log(1 + (double)c.OpenDealValue), c.WinRate,
    ];

    private static JsonObject FeaturesOf(CustomerProfile c, RfmScore score) => new()
    {
        ["recencyDays"] = c.RecencyDays,
        ["wonDeals"] = c.WonDeals,
        ["wonValue"] = c.WonValue,
        ["lostDeals"] = c.LostDeals,
        ["winRate"] = Math.Round(c.WinRate, 4),
        ["recentActivities"] = c.RecentActivities,
        ["openDealValue"] = c.OpenDealValue,
        ["rfm"] = new JsonObject
        {
            ["code"] = score.Code,
            ["recency"] = score.Recency,
            ["frequency"] = score.Frequency,
            ["monetary"] = score.Monetary,
            ["segment"] = RfmKey(score.Segment),
        },
    };

    private static IEnumerable<SegmentDraft> RfmSegmentsOf(
        IReadOnlyList<CustomerProfile> customers, IReadOnlyList<RfmScore> scores, SegmentMemberDraft[] members, string? skipped)
    {
        foreach (var info in RfmSegments.All)
        {
            var indices = Enumerable.Range(0, customers.Count).Where(i => scores[i].Segment == info.Segment).ToArray();
            if (indices.Length == 0)
            {
                continue;
            }
            var inSegment = indices.Select(i => customers[i]).ToList();
            var cells = Cells(info.Segment);
            var observed = new JsonObject
            {
                ["recencyDays"] = Range(inSegment.Min(c => c.RecencyDays), inSegment.Max(c => c.RecencyDays)),
                ["wonDeals"] = Range(inSegment.Min(c => c.WonDeals), inSegment.Max(c => c.WonDeals)),
                ["wonValue"] = Range(inSegment.Min(c => c.WonValue), inSegment.Max(c => c.WonValue)),
            };
            var criteria = new JsonObject
            {
                ["recencyScore"] = Range(cells.Min(c => c.R), cells.Max(c => c.R)),
                ["frequencyMonetaryScore"] = Range(cells.Min(c => c.Fm), cells.Max(c => c.Fm)),
                ["cells"] = new JsonArray([.. cells.Select(c => JsonValue.Create($"R{c.R} FM{c.Fm}"))]),
                ["observed"] = observed,
            };
            var description =
                $"Recency score {Span(cells.Min(c => c.R), cells.Max(c => c.R))} and frequency-monetary score " +
                $"{Span(cells.Min(c => c.Fm), cells.Max(c => c.Fm))} of 5 (scores are quintiles among this workspace's customers; " +
                "the frequency-monetary score is the mean of the two, rounded up). Here: last won deal " +
                $"{Span(inSegment.Min(c => c.RecencyDays), inSegment.Max(c => c.RecencyDays))} days ago, " +
                $"{Span(inSegment.Min(c => c.WonDeals), inSegment.Max(c => c.WonDeals))} won deals, " +
                $"{Money(inSegment.Min(c => c.WonValue))}-{Money(inSegment.Max(c => c.WonValue))} won in total.";
            var insights = new JsonObject
            {
                ["share"] = Math.Round((double)indices.Length / customers.Count, 4),
                ["topCodes"] = new JsonArray([.. indices.GroupBy(i => scores[i].Code)
                    .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3)
                    .Select(g => (JsonNode)new JsonObject { ["code"] = g.Key, ["customers"] = g.Count() })]),
            };
            if (skipped is not null)
            {
                insights["behavioralClusters"] = skipped;
            }
            yield return Draft(SegmentType.Rfm, RfmKey(info.Segment), info.Name, info.Description, criteria, description, insights,
                customers, members, indices);
        }
    }

    private static IEnumerable<SegmentDraft> Clusters(
        IReadOnlyList<CustomerProfile> customers, SegmentMemberDraft[] members, ClusterSelectionResult clustering, Standardizer standardizer)
    {
        var best = clustering.Best;
        var names = ClusterNaming.Name(best.Centroids, Features);
        var silhouette = clustering.Scores.First(s => s.K == best.K).Silhouette;
        var byK = new JsonArray([.. clustering.Scores.Select(s => (JsonNode)new JsonObject
        {
            ["k"] = s.K, ["silhouette"] = Math.Round(s.Silhouette, 4), ["inertia"] = Math.Round(s.Inertia, 4),
        })]);
        for (var cluster = 0; cluster < best.K; cluster++)
        {
            var indices = Enumerable.Range(0, customers.Count).Where(i => best.Labels[i] == cluster).ToArray();
            var centroid = best.Centroids[cluster];
            var original = new JsonObject();
            var zScores = new JsonObject();
            var values = new double[Features.Count];
            for (var j = 0; j < Features.Count; j++)
            {
                var value = standardizer.Means[j] + centroid[j] * standardizer.StandardDeviations[j];
                values[j] = Logged[j] ? Math.Exp(value) - 1 : value;
                original[Features[j].Name] = Math.Round(values[j], 4);
                zScores[Features[j].Name] = Math.Round(centroid[j], 4);
            }
            var criteria = new JsonObject
            {
                ["cluster"] = cluster,
                ["k"] = best.K,
                ["centroid"] = original,
                ["zScores"] = zScores,
                ["logScaled"] = new JsonArray([.. Features.Where((_, j) => Logged[j]).Select(f => JsonValue.Create(f.Name))]),
            };
            var description = string.Create(CultureInfo.InvariantCulture,
                $"Customers nearest this centroid: {values[0]:0.#} won deals, {Money((decimal)values[1])} won in total, last won " +
                $"{values[2]:0} days ago, {values[3]:0.#} activities in the last {CustomerProfiles.ActivityWindowDays} days, " +
                $"{Money((decimal)values[4])} in open deals, win rate {values[5]:0%}.");
            var insights = new JsonObject
            {
                ["share"] = Math.Round((double)indices.Length / customers.Count, 4),
                ["silhouette"] = Math.Round(silhouette, 4),
                ["kChosenBy"] = "silhouette",
                ["silhouetteByK"] = byK.DeepClone(),
                ["distinctive"] = new JsonArray([.. Enumerable.Range(0, Features.Count)
                    .Where(j => Math.Abs(centroid[j]) >= ClusterNaming.DistinctiveZ)
                    .OrderByDescending(j => Math.Abs(centroid[j])).ThenBy(j => j)
                    .Select(j => (JsonNode)new JsonObject { ["feature"] = Features[j].Name, ["z"] = Math.Round(centroid[j], 4) })]),
            };
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"Behaviour cluster {cluster + 1} of {best.K} (k-means on standardised behaviour, k chosen by silhouette {silhouette:0.00}).");
            yield return Draft(SegmentType.Behavioral, ClusterKey(cluster), names[cluster], summary, criteria, description, insights,
                customers, members, indices);
        }
    }

    private static SegmentDraft Draft(
        SegmentType type, string key, string name, string description, JsonObject criteria, string criteriaDescription, JsonObject insights,
        IReadOnlyList<CustomerProfile> customers, SegmentMemberDraft[] members, int[] indices)
    {
        var inSegment = indices.Select(i => customers[i]).ToList();
        var total = inSegment.Sum(c => c.WonValue);
        var won = inSegment.Sum(c => c.WonDeals);
        var closed = won + inSegment.Sum(c => c.LostDeals);
        return new SegmentDraft(type, key, name, description, criteria, criteriaDescription, insights,
            [.. indices.Select(i => members[i])],
            TotalDealValue: total,
            AvgDealValue: won == 0 ? 0 : Math.Round(total / won, 2),
            ConversionRate: closed == 0 ? 0 : Math.Round((decimal)won / closed, 4),
            RiskScore: Score(indices.Average(i => (double)members[i].ChurnRisk)),
            OpportunityScore: Score(indices.Average(i => (double)members[i].OpportunityScore)));
    }

    // The (R, FM) cells of the RFM map that name this segment.
    private static List<(int R, int Fm)> Cells(RfmSegment segment) =>
        [.. (from r in Enumerable.Range(1, 5)
             from f in Enumerable.Range(1, 5)
             from m in Enumerable.Range(1, 5)
             where RfmSegments.Classify(r, f, m) == segment
             select (r, (f + m + 1) / 2)).Distinct().OrderByDescending(c => c.r).ThenByDescending(c => c.Item2)];

    private static decimal Score(double value) => Math.Round((decimal)Math.Clamp(value, 0, 1), 4);

    private static JsonObject Range<T>(T min, T max) => new() { ["min"] = JsonValue.Create(min), ["max"] = JsonValue.Create(max) };

    private static string Span(int min, int max) => min == max
        ? min.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{min}-{max}");

    private static string Money(decimal value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
