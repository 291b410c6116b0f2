using Crm.AiWorker.Features.Summaries.Extractive;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>A deal's timeline, with its pleasantries, comes down to the facts that matter, in the order they happened.</summary>
public sealed class ExtractiveSummarizerTests
{
    private static readonly DateTimeOffset Start = new(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);

    private const string Price = "Agreed on a price of $48,000 for 120 seats.";

    private static readonly string[] Filler =
    [
        "Hope you had a lovely weekend!",
        "The weather in Lisbon has been wonderful lately.",
        "Talk soon.",
        "Sorry for the late reply, traffic was awful this morning.",
        "Happy Friday everyone!",
        "Thanks again for the coffee.",
        "Lunch was nice, the new office looks great.",
        "Sorry, I'm out of office until Monday.",
    ];

    /// <summary>Sixteen entries of a mid-market deal: the facts among discovery, pleasantries and logistics.</summary>
    private static List<TimelineEntry> DealTimeline() =>
    [
        new(Start, "email", "Intro", "Hi Sam, hope you had a lovely weekend! Thanks for taking the time last week."),
        new(Start.AddDays(1), "call", "Discovery call",
            "Acme wants to replace spreadsheets with a shared CRM for 120 sales reps. "
            + "Sam Ortiz leads sales; the CFO, Dana Lee, is the decision maker and owns the budget. The weather in Lisbon has been wonderful lately."),
        new(Start.AddDays(2), "note", null, "Talk soon."),
        new(Start.AddDays(4), "meeting", "Demo",
            "Demo went well; the reps liked the pipeline board. Their IT team needs SSO integration with Okta before "
            + "any rollout. Sorry for the late reply, traffic was awful this morning."),
        new(Start.AddDays(6), "email", "Pricing question", "Sam asked for pricing on 120 seats with SSO integration included."),
        new(Start.AddDays(8), "note", null, "Happy Friday everyone!"),
        new(Start.AddDays(9), "call", "Pricing call with the CFO",
            Price + " The price includes SSO integration and onboarding."),
        new(Start.AddDays(10), "email", "Re: Pricing call",
            "Thanks again for the coffee. Confirming: agreed on a price of $48,000 for 120 seats."),
        new(Start.AddDays(12), "meeting", "Contract walkthrough with Dana Lee",
            "Decision maker is the CFO, Dana Lee. Dana Lee will sign once the legal review is done."),
        new(Start.AddDays(13), "note", null, "Lunch was nice, the new office looks great."),
        new(Start.AddDays(14), "email", "Order form", "Sent the order form; their legal team starts the legal review today."),
        new(Start.AddDays(15), "email", "Legal", "Legal review due by March 3. Their legal team will send redlines to Dana Lee, the CFO."),
        new(Start.AddDays(16), "note", null, "Happy Friday everyone! Have a restful weekend."),
        new(Start.AddDays(17), "note", "Reminder", "Legal review due by March 3; redlines go to the CFO."),
        new(Start.AddDays(18), "deal", "Stage changed to Negotiation",
            "Deal moved to negotiation pending the legal review; Dana Lee, the CFO and decision maker, approved the budget."),
        new(Start.AddDays(19), "email", null, "Sorry, I'm out of office until Monday. Talk soon."),
    ];

    [Fact]
    public void The_summary_keeps_the_key_facts_and_leaves_out_the_small_talk()
    {
        var summary = ExtractiveSummarizer.Summarize(DealTimeline(), maxSentences: 5);
        var texts = summary.Sentences.Select(s => s.Text).ToList();

        Assert.Contains(Price, texts);
        // Each of these is stated twice in the timeline (as reps restate them); either wording carries the fact.
        Assert.Contains(texts, t => t.StartsWith("Legal review due by March 3", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("decision maker", StringComparison.OrdinalIgnoreCase)
            && t.Contains("Dana Lee", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => Filler.Any(f => t.Contains(f, StringComparison.Ordinal)));
        Assert.Equal(5, texts.Count);
    }

    [Fact]
    public void The_repeated_price_confirmation_is_not_picked_twice()
    {
        var summary = ExtractiveSummarizer.Summarize(DealTimeline(), maxSentences: 5);

        Assert.Single(summary.Sentences, s => s.Text.Contains("agreed on a price", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Sentences_are_in_chronological_order_and_traceable_to_their_entry()
    {
        var timeline = DealTimeline();
        // The same entries in another order: the summary follows their times, not the list.
        var summary = ExtractiveSummarizer.Summarize([.. timeline.AsEnumerable().Reverse()], maxSentences: 5);

        Assert.Equal(summary.Sentences.OrderBy(s => s.At).ToList(), summary.Sentences);
        foreach (var sentence in summary.Sentences)
        {
            var entry = Assert.Single(timeline, e => e.At == sentence.At);
            Assert.Equal(entry.Kind, sentence.Kind);
            Assert.Contains(sentence.Text, $"{entry.Title}\n{entry.Body}", StringComparison.Ordinal);
        }
        var price = Assert.Single(summary.Sentences, s => s.Text == Price);
        Assert.Equal(("call", Start.AddDays(9)), (price.Kind, price.At));
    }

    [Fact]
    public void Keyphrases_include_the_planted_topic()
    {
        var summary = ExtractiveSummarizer.Summarize(DealTimeline());

        Assert.Contains("sso integration", summary.Keyphrases);
        Assert.InRange(summary.Keyphrases.Count, 1, ExtractiveSummarizer.KeyphraseCount);
    }

    [Fact]
    public void The_same_timeline_always_gives_the_same_summary()
    {
        var first = ExtractiveSummarizer.Summarize(DealTimeline()).ToText();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, ExtractiveSummarizer.Summarize(DealTimeline()).ToText());
        }
    }

    [Fact]
    public void ToText_renders_one_paragraph_with_the_key_topics()
    {
        var text = ExtractiveSummarizer.Summarize(DealTimeline(), maxSentences: 3).ToText();

        Assert.DoesNotContain('\n', text);
        Assert.Contains("Key topics: ", text, StringComparison.Ordinal);
        Assert.EndsWith(".", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_or_wordless_timeline_gives_an_empty_summary()
    {
        var empty = ExtractiveSummarizer.Summarize([]);
        var wordless = ExtractiveSummarizer.Summarize([new(Start, "note", null, null), new(Start, "call", "", "Thanks!")]);

        Assert.Empty(empty.Sentences);
        Assert.Empty(empty.Keyphrases);
        Assert.Equal("", empty.ToText());
        Assert.Empty(wordless.Sentences);
        Assert.Equal("", wordless.ToText());
    }

    [Fact]
    public void Fact_sentences_are_recognised()
    {
        Assert.True(ExtractiveSummarizer.HasFact("Agreed on $48,000."));
        Assert.True(ExtractiveSummarizer.HasFact("Legal review due by March 3"));
        Assert.False(ExtractiveSummarizer.HasFact("Happy Friday everyone!"));
        Assert.False(ExtractiveSummarizer.HasFact("Decision maker is the CFO, Dana Lee."));
    }
}
