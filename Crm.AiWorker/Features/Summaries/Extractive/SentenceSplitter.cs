using System.Text.RegularExpressions;

namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>
/// Splits English text into sentences with a few rules rather than a model: a line break or a bullet always
/// starts a new sentence (CRM notes are often lists), and a period only ends one when it is followed by space and
/// is not part of an abbreviation ("e.g.", "Mr.", "Inc."), an initial ("J.") or a number ("$1.5M").
/// </summary>
public static partial class SentenceSplitter
{
    // Never end a sentence: titles and Latin abbreviations are always followed by more of the same sentence.
    private static readonly HashSet<string> NeverFinal = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "e.g", "i.e", "cf", "vs", "approx", "fig", "ref", "tel",
        "ext", "dept", "attn",
    };

    // May end a sentence ("We signed with Acme Inc. The rollout…"): only a capitalised next word ends it.
    private static readonly HashSet<string> MaybeFinal = new(StringComparer.OrdinalIgnoreCase)
    {
        "inc", "ltd", "corp", "co", "llc", "plc", "gmbh", "etc", "a.m", "p.m", "u.s", "u.k", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    };

    /// <summary>The sentences of <paramref name="text"/>, trimmed, in order; empty for null or blank text.</summary>
    public static IReadOnlyList<string> Split(string? text)
    {
        var sentences = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return sentences;
        }
        foreach (var rawLine in text.ReplaceLineEndings("\n").Split('\n'))
        {
            SplitLine(BulletMarker().Replace(rawLine, ""), sentences);
        }
        return sentences;
    }

    private static void SplitLine(string line, List<string> sentences)
    {
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is not ('.' or '!' or '?' or '…'))
            {
                continue;
            }
            // Take the whole run of terminators and closing quotes/brackets: "?!", "...", ".\"", ".)".
            var end = i + 1;
            while (end < line.Length && line[end] is '.' or '!' or '?' or '…' or '"' or '\'' or '”' or '’' or ')' or ']')
            {
                end++;
            }
            if (end < line.Length && !char.IsWhiteSpace(line[end]))
            {
                i = end - 1; // "1.5", "e.g", "crm.example.com": not followed by space
                continue;
            }
            if (EndsSentence(line, start, i, end))
            {
                Add(line[start..end], sentences);
                start = end;
            }
            i = end - 1;
        }
        Add(line[start..], sentences);
    }

    private static bool EndsSentence(string line, int start, int terminator, int end)
    {
        var next = NextWord(line, end);
        var run = line[terminator..end];
        if (run.Contains('!') || run.Contains('?'))
        {
            return true;
        }
        if (run.Contains("..") || run.Contains('…'))
        {
            // An ellipsis is a pause inside the sentence unless a new, capitalised sentence follows it.
            return next.Length == 0 || char.IsUpper(next[0]);
        }
        var word = PreviousWord(line, start, terminator);
        if (word.Length == 1 && char.IsUpper(word[0]))
        {
            return false; // an initial: "Dana J. Lee"
        }
        if (NeverFinal.Contains(word))
        {
            return false;
        }
        if (MaybeFinal.Contains(word))
        {
            return next.Length == 0 || char.IsUpper(next[0]);
        }
        return true;
    }

    private static string PreviousWord(string line, int start, int terminator)
    {
        var from = terminator;
        while (from > start && !char.IsWhiteSpace(line[from - 1]) && line[from - 1] is not ('(' or '"' or '“'))
        {
            from--;
        }
        return line[from..terminator];
    }

    private static string NextWord(string line, int from)
    {
        while (from < line.Length && (char.IsWhiteSpace(line[from]) || line[from] is '"' or '“' or '(' or '\''))
        {
            from++;
        }
        var to = from;
        while (to < line.Length && !char.IsWhiteSpace(line[to]))
        {
            to++;
        }
        return line[from..to];
    }

    private static void Add(string candidate, List<string> sentences)
    {
        var sentence = candidate.Trim();
        // Drop what has no word in it: a stray "—" or "..." is no sentence.
        if (sentence.Any(char.IsLetterOrDigit))
        {
            sentences.Add(sentence);
        }
    }

    // "- item", "* item", "• item", "> quoted", "1. item", "2) item" at the start of a line.
    [GeneratedRegex(@"^\s*(?:[-*•·–—>]+|\d{1,2}[.)])\s+")]
    private static partial Regex BulletMarker();
}
