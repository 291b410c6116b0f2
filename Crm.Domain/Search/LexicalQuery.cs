namespace Crm.Domain.Search;

/// <summary>
/// What a typed query matches, word by word: each word as a prefix ("acm" finds "acme"), its transpositions as
/// prefixes ("jonh" finds "john"), and the index's words within its edit distance ("smyth" finds "smith", found in the
/// workspace's vocabulary). Every word must match (AND); any of a word's alternatives will do (OR).
/// </summary>
public sealed class LexicalQuery
{
    /// <summary>Words beyond this many are ignored: a pasted paragraph is not a search.</summary>
    public const int MaxWords = 8;

    private readonly Dictionary<string, HashSet<string>> _corrections;

    private LexicalQuery(IReadOnlyList<string> words, Dictionary<string, HashSet<string>> corrections)
    {
        Words = words;
        _corrections = corrections;
    }

    /// <summary>The query's folded words (<see cref="SearchText.Fold"/>), at most <see cref="MaxWords"/>.</summary>
    public IReadOnlyList<string> Words { get; }

    public bool IsEmpty => Words.Count == 0;

    /// <summary>The words of <paramref name="text"/>, to look up corrections for (<see cref="WithCorrections"/>).</summary>
    public static LexicalQuery Parse(string text) => new(SearchText.Words(text).Take(MaxWords).ToArray(), []);

    /// <summary>The words that may have typos: those long enough to allow an edit.</summary>
    public IReadOnlyList<string> FuzzyWords => Words.Where(w => SearchText.AllowedEdits(w) > 0).ToArray();

    /// <summary>
    /// This query with the index's words near each query word; those further than the word's allowed edits
    /// (<see cref="SearchText.AllowedEdits"/>) are dropped.
    /// </summary>
    public LexicalQuery WithCorrections(IEnumerable<(string Word, string Term)> candidates)
    {
        var corrections = new Dictionary<string, HashSet<string>>();
        foreach (var (word, term) in candidates)
        {
            if (term != word && SearchText.EditDistance(word, term) <= SearchText.AllowedEdits(word))
            {
                (corrections.TryGetValue(word, out var terms) ? terms : corrections[word] = []).Add(term);
            }
        }
        return new LexicalQuery(Words, corrections);
    }

    /// <summary>PostgreSQL tsquery text of every word with all its alternatives.</summary>
    public string ToTsQuery() => string.Join(" & ", Words.Select(word =>
        "(" + string.Join(" | ", PrefixesOf(word).Select(p => Quote(p) + ":*")
                                 .Concat(CorrectionsOf(word).Select(Quote))) + ")"));

    /// <summary>PostgreSQL tsquery text of the words as typed (prefixes); matching it ranks a document higher.</summary>
    public string ToExactTsQuery() => string.Join(" & ", Words.Select(word => Quote(word) + ":*"));

    /// <summary>Whether an indexed word (folded) is one this query matches, for highlighting.</summary>
    public bool Matches(string foldedWord) => Words.Any(word =>
        PrefixesOf(word).Any(prefix => foldedWord.StartsWith(prefix, StringComparison.Ordinal)) || CorrectionsOf(word).Contains(foldedWord));

    private static IEnumerable<string> PrefixesOf(string word) => SearchText.AllowedEdits(word) > 0
        ? SearchText.Transpositions(word).Prepend(word)
        : [word];

    private IEnumerable<string> CorrectionsOf(string word) =>
        _corrections.TryGetValue(word, out var terms) ? terms.Order(StringComparer.Ordinal) : [];

    // Folded words are letters and digits only; quoting keeps a word such as "or" a lexeme, not an operator.
    private static string Quote(string lexeme) => "'" + lexeme + "'";
}
