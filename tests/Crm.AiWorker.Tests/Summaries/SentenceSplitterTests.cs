using Crm.AiWorker.Features.Summaries.Extractive;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>Abbreviations, initials, decimals and ellipses stay inside a sentence; line breaks and bullets end one.</summary>
public sealed class SentenceSplitterTests
{
    [Fact]
    public void Periods_end_sentences_but_abbreviations_initials_and_decimals_do_not()
    {
        var sentences = SentenceSplitter.Split(
            "Mr. Smith from Acme Inc. joined the call. They want add-ons, e.g. SSO and audit logs. "
            + "Budget is $1.5M for v2.0 of the rollout! Dana J. Lee signs off. Is that final?");

        Assert.Equal(
            [
                "Mr. Smith from Acme Inc. joined the call.",
                "They want add-ons, e.g. SSO and audit logs.",
                "Budget is $1.5M for v2.0 of the rollout!",
                "Dana J. Lee signs off.",
                "Is that final?",
            ],
            sentences);
    }

    [Fact]
    public void A_company_suffix_ends_the_sentence_when_a_capitalised_word_follows()
    {
        Assert.Equal(
            ["We signed with Acme Inc.", "The rollout starts Monday."],
            SentenceSplitter.Split("We signed with Acme Inc. The rollout starts Monday."));
    }

    [Fact]
    public void An_ellipsis_is_a_pause_unless_a_new_sentence_follows()
    {
        Assert.Equal(
            ["Well... we could try a pilot.", "Let me check… budget is tight."],
            SentenceSplitter.Split("Well... we could try a pilot. Let me check… budget is tight."));
        Assert.Equal(
            ["They went quiet...", "Then they called back."],
            SentenceSplitter.Split("They went quiet... Then they called back."));
    }

    [Fact]
    public void Line_breaks_and_bullets_are_boundaries_and_markers_are_dropped()
    {
        var sentences = SentenceSplitter.Split("""
            Hi Dana,

            Next steps
            - Send the order form
            * Book the security review (2 hours)
            • Confirm 120 seats
            1. Kick-off in April
            2) Training
            > Quoted: "Sounds good."
            """);

        Assert.Equal(
            ["Hi Dana,", "Next steps", "Send the order form", "Book the security review (2 hours)", "Confirm 120 seats",
             "Kick-off in April", "Training", "Quoted: \"Sounds good.\""],
            sentences);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("... — !")]
    public void Blank_or_wordless_text_has_no_sentences(string? text)
    {
        Assert.Empty(SentenceSplitter.Split(text));
    }

    [Fact]
    public void Closing_quotes_and_brackets_stay_with_their_sentence()
    {
        Assert.Equal(
            ["She said \"we're in.\"", "(Pending legal.)", "Done?!", "Yes."],
            SentenceSplitter.Split("She said \"we're in.\" (Pending legal.) Done?! Yes."));
    }
}
