namespace Crm.AiWorker.Features.Segments.Clustering;

/// <summary>The eleven named segments of the commonly published RFM segment map.</summary>
public enum RfmSegment
{
    Champions,
    Loyal,
    PotentialLoyalists,
    NewCustomers,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

/// <summary>A segment's display name and the one sentence that explains it to a salesperson.</summary>
public sealed record RfmSegmentInfo(RfmSegment Segment, string Name, string Description);

/// <summary>
/// The RFM segment map: recency score (1–5) against the average of the frequency and monetary scores (FM, 1–5).
/// The grid is the widely published one (rows of R, columns of FM), with its lowest corner split off as "Lost":
/// <code>
///          FM 1          FM 2           FM 3            FM 4       FM 5
/// R 5   New customers  Potential loy. Potential loy.  Champions  Champions
/// R 4   Promising      Potential loy. Potential loy.  Loyal      Loyal
/// R 3   About to sleep About to sleep Need attention  Loyal      Loyal
/// R 2   Hibernating    Hibernating    At risk         At risk    Can't lose them
/// R 1   Lost           Hibernating    At risk         At risk    Can't lose them
/// </code>
/// </summary>
public static class RfmSegments
{
    private static readonly RfmSegmentInfo[] Infos =
    [
        new(RfmSegment.Champions, "Champions", "Bought recently, buy often and spend the most."),
        new(RfmSegment.Loyal, "Loyal", "Buy regularly and spend well, and are still responsive."),
        new(RfmSegment.PotentialLoyalists, "Potential loyalists", "Recent customers with average frequency and spend who could become loyal."),
        new(RfmSegment.NewCustomers, "New customers", "Bought very recently but only once or for little so far."),
        new(RfmSegment.Promising, "Promising", "Recent buyers who have not yet bought often or spent much."),
        new(RfmSegment.NeedAttention, "Need attention", "Average recency, frequency and spend, and slipping without a nudge."),
        new(RfmSegment.AboutToSleep, "About to sleep", "Below-average recency and little business; they will be lost if not reactivated."),
        new(RfmSegment.AtRisk, "At risk", "Used to buy often and spend well, but have not come back for a long time."),
        new(RfmSegment.CantLoseThem, "Can't lose them", "Were among the best customers but have gone quiet; win them back first."),
        new(RfmSegment.Hibernating, "Hibernating", "Last bought long ago, seldom and for little."),
        new(RfmSegment.Lost, "Lost", "Lowest recency, frequency and spend; unlikely to return."),
    ];

    /// <summary>All segments, in the enum's order (best first, roughly).</summary>
    public static IReadOnlyList<RfmSegmentInfo> All => Infos;

    public static RfmSegmentInfo Info(RfmSegment segment) => Infos[(int)segment];

    /// <summary>
    /// The segment of scores r, f, m (each 1–5). FM is (F + M) / 2 rounded half up, so that a customer who is strong
    /// on one of the two lands in the better column: 5/4 counts as 5, 1/2 as 2.
    /// </summary>
    public static RfmSegment Classify(int r, int f, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(r, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(r, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(f, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(f, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, 5);

        var fm = (f + m + 1) / 2;
        return (r, fm) switch
        {
            (5, >= 4) => RfmSegment.Champions,
            (>= 3, >= 4) => RfmSegment.Loyal,
            (>= 4, >= 2) => RfmSegment.PotentialLoyalists,
            (5, 1) => RfmSegment.NewCustomers,
            (4, 1) => RfmSegment.Promising,
            (3, 3) => RfmSegment.NeedAttention,
            (3, _) => RfmSegment.AboutToSleep,
            (_, 5) => RfmSegment.CantLoseThem,
            (_, >= 3) => RfmSegment.AtRisk,
            (1, 1) => RfmSegment.Lost,
            _ => RfmSegment.Hibernating,
        };
    }
}
