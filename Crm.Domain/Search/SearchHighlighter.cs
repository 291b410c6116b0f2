using System.Globalization;
using System.Net;
using System.Text;

namespace Crm.Domain.Search;

/// <summary>Marks the words a query matched in a field's text, HTML-escaping everything else.</summary>
public static class SearchHighlighter
{
    private const int FragmentLength = 160;

    /// <summary>
    /// The text with the matched words as &lt;mark&gt;…&lt;/mark&gt; and the rest HTML-escaped, or null when nothing in it
    /// matched. Text longer than a fragment is cut to a window around the first match.
    /// </summary>
    public static string? Highlight(string? text, LexicalQuery query)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var matches = new List<(int Start, int Length)>();
        for (var start = 0; start < text.Length;)
        {
            if (!IsWordCharacter(text[start]))
            {
                start++;
                continue;
            }
            var end = start;
            while (end < text.Length && IsWordCharacter(text[end]))
            {
                end++;
            }
            var folded = SearchText.Fold(text[start..end]);
            if (folded.Length > 0 && folded.Split(' ').Any(query.Matches))
            {
                matches.Add((start, end - start));
            }
            start = end;
        }
        if (matches.Count == 0)
        {
            return null;
        }

        var (from, to) = Window(text.Length, matches[0].Start);
        var html = new StringBuilder();
        if (from > 0)
        {
            html.Append('…');
        }
        var position = from;
        foreach (var (start, length) in matches.Where(m => m.Start >= from && m.Start + m.Length <= to))
        {
            html.Append(WebUtility.HtmlEncode(text[position..start]))
                .Append("<mark>").Append(WebUtility.HtmlEncode(text.Substring(start, length))).Append("</mark>");
            position = start + length;
        }
        html.Append(WebUtility.HtmlEncode(text[position..to]));
        if (to < text.Length)
        {
            html.Append('…');
        }
        return html.ToString();
    }

    private static (int From, int To) Window(int length, int firstMatch)
    {
        if (length <= FragmentLength)
        {
            return (0, length);
        }
        var from = Math.Max(0, firstMatch - FragmentLength / 4);
        return (from, Math.Min(length, from + FragmentLength));
    }

    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;
}
