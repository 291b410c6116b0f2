using System.Globalization;
using System.Text;

namespace Crm.Domain.Search;

/// <summary>
/// How text becomes words, on both sides of the index: documents are folded before PostgreSQL builds their tsvector
/// and queries are split the same way, so "José O'Brien" is found by "jose obrien"'s words "jose", "o", "brien".
/// </summary>
public static class SearchText
{
    /// <summary>Lower case, without diacritics, every run of characters that are not letters or digits one space.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && folded.Length > 0)
                {
                    folded.Append(' ');
                }
                pendingSpace = false;
                folded.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }
        return folded.ToString();
    }

    /// <summary>The words of <paramref name="text"/>, folded, in order, without repeats.</summary>
    public static IReadOnlyList<string> Words(string? text) =>
        Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();

    /// <summary>
    /// How many edits a query word may be away from an indexed word, as Elasticsearch's fuzziness AUTO: none for one
    /// or two characters, one up to five, two beyond.
    /// </summary>
    public static int AllowedEdits(string word) => word.Length switch
    {
        <= 2 => 0,
        <= 5 => 1,
        _ => 2,
    };

    /// <summary>
    /// The optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of neighbours
    /// ("jonh" is one edit from "john"; plain Levenshtein counts two).
    /// </summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>
    /// The word with two neighbouring letters swapped, each way ("jonh": "ojnh", "jnoh", "john"), for words of three
    /// letters or more. Swaps break most trigrams, so vocabulary look-ups by similarity miss them; as typed prefixes they
    /// also catch a swap in a word that is still being typed ("jonhs" finds "johnson").
    /// </summary>
    public static IEnumerable<string> Transpositions(string word)
    {
        if (word.Length < 3)
        {
            yield break;
        }
        var letters = word.ToCharArray();
        for (var i = 0; i < letters.Length - 1; i++)
        {
            if (letters[i] == letters[i + 1])
            {
                continue;
            }
            (letters[i], letters[i + 1]) = (letters[i + 1], letters[i]);
            yield return new string(letters);
            (letters[i], letters[i + 1]) = (letters[i + 1], letters[i]);
        }
    }
}
