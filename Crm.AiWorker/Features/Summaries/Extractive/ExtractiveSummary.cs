using System.Text;

namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>One thing that happened on a record's timeline: a call, email, meeting, note or deal change.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? Title, string? Body);

/// <summary>A sentence of the summary, quoted from the timeline entry it came from (its time and kind).</summary>
public sealed record SummarySentence(string Text, DateTimeOffset At, string Kind);

/// <summary>An extractive summary: chosen sentences in chronological order and the timeline's keyphrases, best first.</summary>
public sealed record ExtractiveSummary(IReadOnlyList<SummarySentence> Sentences, IReadOnlyList<string> Keyphrases)
{
    public static ExtractiveSummary Empty { get; } = new([], []);

    /// <summary>
    /// One readable paragraph: the sentences in order (each closed with a period if it had no final punctuation),
    /// then "Key topics: …". Empty when there is nothing to say.
    /// </summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var sentence in Sentences)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(sentence.Text);
            if (sentence.Text[^1] is not ('.' or '!' or '?' or '…' or '"' or '”' or ')'))
            {
                text.Append('.');
            }
        }
        if (Keyphrases.Count > 0)
        {
            text.Append(text.Length > 0 ? " " : "").Append("Key topics: ").AppendJoin(", ", Keyphrases).Append('.');
        }
        return text.ToString();
    }
}
