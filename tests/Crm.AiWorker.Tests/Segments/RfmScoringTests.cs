using Crm.AiWorker.Features.Segments.Clustering;

namespace Crm.AiWorker.Tests.Segments;

/// <summary>RFM quintiles on hand-made values (ties, few customers, all equal), the segment grid and the risk scores.</summary>
public sealed class RfmScoringTests
{
    [Fact]
    public void Ten_distinct_values_fill_each_quintile_with_two()
    {
        int[] values = [70, 10, 100, 40, 20, 90, 30, 60, 80, 50];

        var scores = RfmScoring.Quintiles(values);

        // 10,20 → 1; 30,40 → 2; 50,60 → 3; 70,80 → 4; 90,100 → 5.
        Assert.Equal([4, 1, 5, 2, 1, 5, 2, 3, 4, 3], scores);
    }

    [Fact]
    public void Tied_values_share_the_quintile_of_their_average_rank()
    {
        // Ranks 1–4 are tied (average rank 2.5, mid-rank percentile 0.2 → on a boundary, towards the middle: 2).
        int[] values = [5, 5, 5, 5, 6, 7, 8, 9, 10, 11];

        var scores = RfmScoring.Quintiles(values);

        Assert.Equal([2, 2, 2, 2, 3, 3, 4, 4, 5, 5], scores);
    }

    [Fact]
    public void Ties_in_the_middle_get_one_score_even_across_a_quintile_boundary()
    {
        // Ranks 3–6 tied: average rank 4.5, percentile 0.4 → 3 (boundary towards the middle); alone, 3 and 4 would be 2.
        double[] values = [1, 2, 7, 7, 7, 7, 8, 9, 10, 11];

        var scores = RfmScoring.Quintiles(values);

        Assert.Equal([1, 1, 3, 3, 3, 3, 4, 4, 5, 5], scores);
    }

    [Fact]
    public void Fewer_than_five_customers_are_spread_over_the_scale_symmetrically()
    {
        Assert.Equal([3], RfmScoring.Quintiles([42]));
        Assert.Equal([4, 2], RfmScoring.Quintiles([9, 1]));
        Assert.Equal([1, 3, 5], RfmScoring.Quintiles([1, 2, 3]));
        Assert.Equal([1, 2, 4, 5], RfmScoring.Quintiles([1, 2, 3, 4]));
        Assert.Empty(RfmScoring.Quintiles(Array.Empty<int>()));
    }

    [Fact]
    public void All_equal_values_score_3()
    {
        Assert.All(RfmScoring.Quintiles([7m, 7m, 7m, 7m, 7m, 7m, 7m]), score => Assert.Equal(3, score));
    }

    [Fact]
    public void Recency_scores_fewer_days_higher_and_is_the_mirror_of_the_ascending_score()
    {
        double[] days = [1, 400, 30, 30, 90, 2, 365];

        var ascending = RfmScoring.Quintiles(days);
        var recency = RfmScoring.Quintiles(days, higherIsBetter: false);

        Assert.Equal(5, recency[0]);
        Assert.Equal(1, recency[1]);
        Assert.Equal(recency[2], recency[3]);
        Assert.Equal(ascending.Select(score => 6 - score), recency);
    }

    [Fact]
    public void Score_gives_codes_segments_and_keeps_customer_order()
    {
        var best = Guid.NewGuid();
        var worst = Guid.NewGuid();
        RfmInput[] customers =
        [
            new(Guid.NewGuid(), 60, 3, 3000m),
            new(best, 2, 12, 50_000m),
            new(Guid.NewGuid(), 120, 2, 900m),
            new(Guid.NewGuid(), 30, 5, 8000m),
            new(worst, double.PositiveInfinity, 0, 0m),
        ];

        var scores = RfmScoring.Score(customers);

        Assert.Equal(customers.Select(c => c.CustomerId), scores.Select(s => s.CustomerId));
        Assert.Equal("555", scores[1].Code);
        Assert.Equal(RfmSegment.Champions, scores[1].Segment);
        Assert.Equal("Champions", scores[1].SegmentInfo.Name);
        Assert.Equal("111", scores[4].Code);
        Assert.Equal(RfmSegment.Lost, scores[4].Segment);
        Assert.Equal("333", scores[0].Code);
        Assert.Equal(RfmSegment.NeedAttention, scores[0].Segment);
    }

    [Theory]
    [InlineData(5, 5, 5, RfmSegment.Champions)]
    [InlineData(5, 4, 4, RfmSegment.Champions)]
    [InlineData(4, 5, 5, RfmSegment.Loyal)]
    [InlineData(3, 4, 4, RfmSegment.Loyal)]
    [InlineData(5, 3, 2, RfmSegment.PotentialLoyalists)]
    [InlineData(5, 1, 1, RfmSegment.NewCustomers)]
    [InlineData(4, 1, 1, RfmSegment.Promising)]
    [InlineData(3, 3, 3, RfmSegment.NeedAttention)]
    [InlineData(3, 1, 2, RfmSegment.AboutToSleep)]
    [InlineData(1, 5, 5, RfmSegment.CantLoseThem)]
    [InlineData(2, 5, 4, RfmSegment.CantLoseThem)]
    [InlineData(1, 4, 4, RfmSegment.AtRisk)]
    [InlineData(2, 3, 3, RfmSegment.AtRisk)]
    [InlineData(2, 1, 2, RfmSegment.Hibernating)]
    [InlineData(1, 2, 2, RfmSegment.Hibernating)]
    [InlineData(1, 1, 1, RfmSegment.Lost)]
    public void Codes_map_to_the_segment_grid(int r, int f, int m, RfmSegment expected)
    {
        Assert.Equal(expected, RfmSegments.Classify(r, f, m));
    }

    [Fact]
    public void Every_segment_is_reachable_and_has_a_name_and_a_sentence()
    {
        var reached = new HashSet<RfmSegment>();
        for (var r = 1; r <= 5; r++)
        {
            for (var f = 1; f <= 5; f++)
            {
                for (var m = 1; m <= 5; m++)
                {
                    reached.Add(RfmSegments.Classify(r, f, m));
                }
            }
        }

        Assert.Equal(Enum.GetValues<RfmSegment>().ToHashSet(), reached);
        Assert.All(RfmSegments.All, info =>
        {
            Assert.Equal(info, RfmSegments.Info(info.Segment));
            Assert.False(string.IsNullOrWhiteSpace(info.Name));
            Assert.EndsWith(".", info.Description);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => RfmSegments.Classify(0, 3, 3));
    }

    [Fact]
    public void Churn_risk_and_opportunity_stay_in_0_to_1_and_rank_the_obvious_cases()
    {
        for (var r = 1; r <= 5; r++)
        {
            for (var f = 1; f <= 5; f++)
            {
                Assert.InRange(RfmScoring.ChurnRisk(r, f), 0, 1);
                for (var m = 1; m <= 5; m++)
                {
                    Assert.InRange(RfmScoring.Opportunity(r, f, m), 0, 1);
                }
            }
        }

        Assert.Equal(0, RfmScoring.ChurnRisk(5, 5));
        Assert.Equal(1, RfmScoring.ChurnRisk(1, 1));
        Assert.True(RfmScoring.ChurnRisk(1, 5) > RfmScoring.ChurnRisk(3, 1), "recency dominates churn risk");
        Assert.Equal(0, RfmScoring.Opportunity(1, 1, 1));
        Assert.True(RfmScoring.Opportunity(1, 5, 5) > RfmScoring.Opportunity(5, 5, 5), "can't lose them > champions");
        Assert.True(RfmScoring.Opportunity(1, 5, 5) > RfmScoring.Opportunity(5, 1, 1), "winning back > growing new");
        Assert.True(RfmScoring.Opportunity(5, 1, 1) > RfmScoring.Opportunity(1, 1, 1), "new > lost");
    }
}
