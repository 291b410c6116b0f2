using System.Text.RegularExpressions;

namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>One word of a text: its position (to tell adjacent words apart from words split by punctuation) and its term.</summary>
public readonly record struct Token(string Text, int Start, string Term)
{
    public int End => Start + Text.Length;

    /// <summary>True for "48,000", "2025" or "1.5": a number, never a keyphrase word.</summary>
    public bool IsNumber => Text.Any(char.IsDigit);
}

/// <summary>
/// The words that TextRank compares: lowercase, without stopwords, reduced by a tiny suffix stripper so that
/// "seats"/"seat" and "pricing"/"price" meet. Cruder than Porter, and enough: both sides are stemmed the same way.
/// </summary>
public static partial class TextTerms
{
    // A standard English list plus the greetings and courtesy words of CRM mail ("thanks", "hi", "regards"),
    // which would otherwise link every pleasantry to every other one.
    private static readonly HashSet<string> Stopwords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did",
        "do", "does", "doing", "done", "down", "during", "each", "e.g", "etc", "few", "for", "from", "further", "get",
        "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "i", "i.e", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "lets", "let's", "me", "more",
        "most", "much", "my", "myself", "no", "nor", "not", "now", "of", "off", "ok", "okay", "on", "once", "one",
        "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "really", "same", "she", "should",
        "so", "some", "still", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
        "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "via", "was",
        "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yet",
        "you", "your", "yours", "yourself", "yourselves", "i'm", "i've", "i'll", "i'd", "we're", "we've", "we'll",
        "you're", "you've", "it's", "that's", "there's", "don't", "didn't", "doesn't", "won't", "can't", "isn't",
        "wasn't", "aren't", "hi", "hey", "hello", "dear", "thanks", "thank", "thx", "please", "regards", "best",
        "cheers", "great", "good", "nice", "sure", "yes", "yeah",
    };

    /// <summary>Every word of <paramref name="text"/> with its position, stopwords included (phrases need adjacency).</summary>
    public static IReadOnlyList<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        foreach (Match match in Word().Matches(text))
        {
            var word = match.Value.Replace('’', '\'');
            tokens.Add(new Token(match.Value, match.Index, Stem(word.ToLowerInvariant())));
        }
        return tokens;
    }

    /// <summary>The terms of <paramref name="text"/> that carry content: no stopwords, stemmed, in order.</summary>
    public static IReadOnlyList<string> ContentTerms(string text) =>
        Tokenize(text).Where(t => !IsStopword(t.Text)).Select(t => t.Term).ToList();

    public static bool IsStopword(string word) => Stopwords.Contains(word.Replace('’', '\'').ToLowerInvariant());

    /// <summary>
    /// Strips a plural or verb ending and a final "e": "companies" → "company", "seats" → "seat",
    /// "pricing"/"priced"/"price" → "pric", "planned" → "plan". Short words and numbers stay as they are.
    /// </summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || word.Any(char.IsDigit))
        {
            return word;
        }
        var stem = word;
        if (stem.EndsWith("ies", StringComparison.Ordinal) && stem.Length > 4)
        {
            stem = stem[..^3] + "y";
        }
        else if (stem.EndsWith("sses", StringComparison.Ordinal))
        {
            stem = stem[..^2];
        }
        else if (stem.EndsWith('s') && !stem.EndsWith("ss", StringComparison.Ordinal)
            && !stem.EndsWith("us", StringComparison.Ordinal) && !stem.EndsWith("is", StringComparison.Ordinal))
        {
            stem = stem[..^1];
        }
        else if (stem.EndsWith("ing", StringComparison.Ordinal) && stem.Length >= 6)
        {
            stem = Undouble(stem[..^3]);
        }
        else if (stem.EndsWith("ed", StringComparison.Ordinal) && stem.Length >= 5)
        {
            stem = Undouble(stem[..^2]);
        }
        if (stem.EndsWith('e') && stem.Length >= 5)
        {
            stem = stem[..^1];
        }
        return stem;
    }

    // "planned" → "plann" → "plan"; but "called" → "call" keeps its ll (and ss, zz).
    private static string Undouble(string stem) =>
        stem.Length >= 3 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') && !"aeiou".Contains(stem[^1])
            ? stem[..^1]
            : stem;

    // Letters and digits, joined by inner apostrophes, hyphens, periods or commas: "sign-off", "48,000", "1.5", "e.g".
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-.,][\p{L}\p{N}]+)*")]
    private static partial Regex Word();
}
