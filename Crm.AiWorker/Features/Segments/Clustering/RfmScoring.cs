namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>One customer's raw RFM values.</summary>
/// <param name="CustomerId">The customer (company or contact) the values belong to.</param>
/// <param name="RecencyDays">Days since the last purchase or won deal; use <see cref="double.PositiveInfinity"/> for never.</param>
/// <param name="Frequency">How many purchases or won deals.</param>
/// <param name="Monetary">Their total value.</param>
public sealed record RfmInput(Guid CustomerId, double RecencyDays, int Frequency, decimal Monetary);

/// <summary>One customer's RFM scores (each 1–5, 5 best), their code such as "545", segment and derived risk scores.</summary>
public sealed record RfmScore(
    Guid CustomerId, int Recency, int Frequency, int Monetary, RfmSegment Segment, double ChurnRisk, double Opportunity)
{
    public string Code => $"{Recency}{Frequency}{Monetary}";

    public RfmSegmentInfo SegmentInfo => RfmSegments.Info(Segment);
}

/// <summary>
/// RFM scoring: each of recency, frequency and monetary value becomes a quintile score 1–5 relative to the other
/// customers of the same run (so scores mean "top fifth", not an absolute amount), then the scores map to a named
/// segment (<see cref="RfmSegments"/>) and to a churn risk and an opportunity score.
/// </summary>
public static class RfmScoring
{
    public static IReadOnlyList<RfmScore> Score(IReadOnlyList<RfmInput> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);

        // Recency is better when smaller: a customer who bought yesterday scores 5.
        var recency = Quintiles(customers.Select(c => c.RecencyDays).ToArray(), higherIsBetter: false);
        var frequency = Quintiles(customers.Select(c => c.Frequency).ToArray());
        var monetary = Quintiles(customers.Select(c => c.Monetary).ToArray());

        var scores = new RfmScore[customers.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var (r, f, m) = (recency[i], frequency[i], monetary[i]);
            scores[i] = new RfmScore(
                customers[i].CustomerId, r, f, m, RfmSegments.Classify(r, f, m), ChurnRisk(r, f), Opportunity(r, f, m));
        }
        return scores;
    }

    /// <summary>
    /// Quintile scores 1–5 by rank. Tied values share one score: the one of their average rank. A value's position is
    /// its mid-rank percentile p = (average rank − ½) / n, which lies strictly between 0 and 1 and is ½ for a value
    /// in the middle; the score is the fifth p falls into. That makes the scoring symmetric (reversing the order
    /// turns score s into 6 − s), gives 3 to every customer when all values are equal, and spreads fewer than five
    /// customers over the scale (two get 2 and 4, three get 1, 3 and 5) instead of bunching them at the top.
    /// </summary>
    public static int[] Quintiles<T>(IReadOnlyList<T> values, bool higherIsBetter = true) where T : IComparable<T>
    {
        ArgumentNullException.ThrowIfNull(values);

        var n = values.Count;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));

        var scores = new int[n];
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && values[order[end + 1]].CompareTo(values[order[start]]) == 0)
            {
                end++;
            }

            var score = QuintileOf(start, end, n);
            for (var i = start; i <= end; i++)
            {
                scores[order[i]] = higherIsBetter ? score : 6 - score;
            }
            start = end + 1;
        }
        return scores;
    }

    /// <summary>
    /// Churn risk 0–1 = 0.75 · (5 − R) / 4 + 0.25 · (5 − F) / 4. Recency is the strongest sign that a customer has
    /// left; a customer who used to buy often is somewhat more likely to come back than a one-off buyer with the
    /// same recency. Spend says nothing about leaving, so it is not part of it. 555 → 0, 1x1 → 1.
    /// </summary>
    public static double ChurnRisk(int r, int f) => 0.75 * (5 - r) / 4.0 + 0.25 * (5 - f) / 4.0;

    /// <summary>
    /// Opportunity 0–1 = value · churn risk + ½ · reach · (1 − value), with value = ((F − 1) + (M − 1)) / 8 and
    /// reach = (R − 1) / 4. The first term is revenue at stake (valuable customers drifting away: "Can't lose them"
    /// scores highest); the second is room to grow among customers who still answer (new and promising ones), at half
    /// weight because growing a small account is worth less than keeping a large one. Champions (little to win back,
    /// little headroom) and Lost customers (nothing at stake, out of reach) score lowest. Both terms are at most
    /// value and 1 − value respectively, so the sum never exceeds 1.
    /// </summary>
    public static double Opportunity(int r, int f, int m)
    {
        var value = (f - 1 + (m - 1)) / 8.0;
        var reach = (r - 1) / 4.0;
        return value * ChurnRisk(r, f) + 0.5 * reach * (1 - value);
    }

    // The quintile of tied values at sorted positions start..end (0-based) of n, in integers so that a percentile
    // exactly on a boundary between two fifths is not at the mercy of rounding; it goes to the fifth nearer the middle.
    private static int QuintileOf(int start, int end, int n)
    {
        // p = (start + end + 1) / (2n).
        var twiceRank = start + end + 1;
        return twiceRank <= n
            ? 1 + 5 * twiceRank / (2 * n)
            : 5 - 5 * (2 * n - twiceRank) / (2 * n);
    }
}
