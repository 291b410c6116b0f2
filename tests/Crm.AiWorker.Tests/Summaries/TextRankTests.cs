using Crm.AiWorker.Features.Summaries.Extractive;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>The graph ranking itself: the paper's similarity, PageRank's fixed point, stemming and keyphrases.</summary>
public sealed class TextRankTests
{
    [Fact]
    public void Similarity_is_shared_terms_over_the_sum_of_log_lengths()
    {
        string[] first = ["price", "seat", "agre"];
        string[] second = ["price", "seat", "cfo", "legal"];

        Assert.Equal(2 / (Math.Log(3) + Math.Log(4)), TextRank.Similarity(first, second), 12);
        Assert.Equal(0, TextRank.Similarity(first, ["weather"]));
        Assert.Equal(0, TextRank.Similarity([], second));
    }

    [Fact]
    public void PageRank_converges_to_a_distribution_that_favours_the_hub()
    {
        // A star: vertex 0 is linked to every other vertex, which are linked to nothing else.
        var weights = new double[5, 5];
        for (var i = 1; i < 5; i++)
        {
            weights[0, i] = weights[i, 0] = 1;
        }

        var scores = TextRank.PageRank(weights);

        Assert.Equal(1, scores.Sum(), 9);
        Assert.All(scores.Skip(1), s => Assert.True(scores[0] > 2 * s));
        Assert.All(scores.Skip(1), s => Assert.Equal(scores[1], s, 12));
        // The paper's fixed point, WS = (1 - d) + d * incoming, where WS sums to n without isolated vertices:
        // the hub takes each leaf's whole score.
        Assert.Equal(0.15 + 0.85 * 4 * (5 * scores[1]), 5 * scores[0], 6);
    }

    [Fact]
    public void An_isolated_vertex_keeps_only_the_teleport_share()
    {
        var weights = new double[3, 3];
        weights[0, 1] = weights[1, 0] = 1;

        var scores = TextRank.PageRank(weights);

        // Linked vertices settle at 1 each, the isolated one at 1 - d.
        Assert.Equal(0.15 / 2.15, scores[2], 9);
    }

    [Fact]
    public void Equal_scores_keep_their_original_order()
    {
        Assert.Equal([1, 0, 2, 3], TextRank.OrderByScore([0.2, 0.5, 0.2, 0.1]));
    }

    [Theory]
    [InlineData("seats", "seat")]
    [InlineData("pricing", "pric")]
    [InlineData("price", "pric")]
    [InlineData("priced", "pric")]
    [InlineData("companies", "company")]
    [InlineData("planned", "plan")]
    [InlineData("called", "call")]
    [InlineData("status", "status")]
    [InlineData("48,000", "48,000")]
    public void The_stemmer_brings_inflections_together(string word, string stem)
    {
        Assert.Equal(stem, TextTerms.Stem(word));
    }

    [Fact]
    public void Keyphrases_merge_adjacent_top_words_and_skip_stopwords_and_numbers()
    {
        var phrases = Keyphrases.Extract("""
            The security review is the main blocker for the renewal.
            Their security team wants the security review finished before signature.
            We sent the security questionnaire and the SOC 2 report in 2024.
            Pricing for the renewal is fine; the security review decides the timing.
            """, count: 3);

        Assert.Equal("security review", phrases[0]);
        Assert.DoesNotContain(phrases, p => p.Split(' ').Any(TextTerms.IsStopword));
        Assert.DoesNotContain(phrases, p => p.Any(char.IsDigit));
        Assert.DoesNotContain("security", phrases); // already part of the better phrase
    }
}
