using System.Text.RegularExpressions;

namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>
/// Summarises a record's timeline without a language model: every title and body sentence is ranked with
/// <see cref="TextRank"/>, the best are taken while skipping near-duplicates (quoted replies, repeated subjects),
/// and they are returned in the order they happened, each with its entry's time and kind.
/// </summary>
public static partial class ExtractiveSummarizer
{
    public const int KeyphraseCount = 5;

    /// <summary>
    /// A sentence carrying a fact (a number, an amount, a date) has its TextRank score multiplied by this. Modest on
    /// purpose: it decides between sentences of similar centrality (the agreed price over "we discussed pricing")
    /// but cannot lift an unrelated fact ("I'm out until the 3rd") over what the timeline is actually about.
    /// </summary>
    public const double FactBoost = 1.3;

    /// <summary>Cosine overlap of content terms above which a sentence repeats one already chosen.</summary>
    public const double DuplicateThreshold = 0.7;

    /// <summary>Sentences with fewer content terms ("Thanks!", "Hi Dana,", "Call") say too little to be picked.</summary>
    public const int MinimumTerms = 3;

    /// <summary>The top <paramref name="maxSentences"/> sentences of <paramref name="entries"/> and its keyphrases.</summary>
    public static ExtractiveSummary Summarize(IReadOnlyList<TimelineEntry> entries, int maxSentences = 5)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // Chronological order first (ties by input order), so that positions, and with them tie-breaks, are stable.
        var ordered = entries.Select((entry, index) => (entry, index)).OrderBy(e => e.entry.At).ThenBy(e => e.index)
            .Select(e => e.entry).ToList();

        var candidates = new List<Candidate>();
        foreach (var entry in ordered)
        {
            foreach (var text in SentenceSplitter.Split(entry.Title).Concat(SentenceSplitter.Split(entry.Body)))
            {
                var terms = TextTerms.ContentTerms(text);
                if (terms.Count >= MinimumTerms)
                {
                    candidates.Add(new Candidate(new SummarySentence(text, entry.At, entry.Kind), terms));
                }
            }
        }
        if (candidates.Count == 0 || maxSentences <= 0)
        {
            return ExtractiveSummary.Empty;
        }

        var graph = TextRank.SimilarityGraph(candidates.Select(c => c.Terms).ToList());
        var scores = TextRank.PageRank(graph);
        var componentSizes = TextRank.ComponentSizes(graph);
        for (var i = 0; i < scores.Length; i++)
        {
            // PageRank gives each connected component a share of the score equal to its share of the sentences, so
            // three pleasantries that only share words with each other ("sorry", "office") would be as central as
            // the deal's main thread. Weighting by the component's size keeps such side threads out.
            scores[i] *= (double)componentSizes[i] / scores.Length;
            if (HasFact(candidates[i].Sentence.Text))
            {
                scores[i] *= FactBoost;
            }
        }

        var chosen = new List<int>();
        foreach (var i in TextRank.OrderByScore(scores))
        {
            if (chosen.Count == maxSentences)
            {
                break;
            }
            if (!chosen.Any(c => Overlap(candidates[c].Terms, candidates[i].Terms) > DuplicateThreshold))
            {
                chosen.Add(i);
            }
        }
        chosen.Sort(); // candidates are in chronological order already

        var keyphrases = Keyphrases.Extract(candidates.Select(c => c.Sentence.Text).ToList(), KeyphraseCount);
        return new ExtractiveSummary(chosen.Select(i => candidates[i].Sentence).ToList(), keyphrases);
    }

    /// <summary>True when the sentence states a number, an amount or a date.</summary>
    public static bool HasFact(string sentence) => Fact().IsMatch(sentence);

    // Set cosine in [0, 1]: TextRank's own similarity is unbounded, so it cannot take a fixed threshold.
    private static double Overlap(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var a = first.ToHashSet(StringComparer.Ordinal);
        var b = second.ToHashSet(StringComparer.Ordinal);
        return a.Count(b.Contains) / Math.Sqrt(a.Count * (double)b.Count);
    }

    private sealed record Candidate(SummarySentence Sentence, IReadOnlyList<string> Terms);

    // Any digit ("$48,000", "120 seats", "3/14", "Q3") or a month name ("due in March"). Not "May" (mostly the verb)
    // nor weekdays: alone they are mostly pleasantries ("Happy Friday!", "out until Monday").
    [GeneratedRegex(@"\d|\b(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex Fact();
}
