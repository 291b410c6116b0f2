using System.Net;
using System.Text.RegularExpressions;

namespace Crm.Web.Features.Search;

/// <summary>A page of <c>GET /api/v1/search</c> (or <c>/search/semantic</c>, which has no facets or cursor).</summary>
public sealed record SearchResults(List<SearchHit> Data, SearchFacets? Facets, string? NextCursor, bool HasMore, string? Source, string? Model);

public sealed record SearchFacets(List<FacetValue>? Type);

public sealed record FacetValue(string Value, long Count);

/// <summary>
/// One search hit. <see cref="Highlights"/> come from the API with the matches in <c>&lt;mark&gt;</c> and everything else
/// HTML-escaped; <see cref="TitleHighlight"/> and <see cref="Snippet"/> are encoded again here, and only they may be
/// rendered as markup.
/// </summary>
public sealed partial record SearchHit(string Type, Guid Id, string Title, string? Subtitle, double Score, List<string>? Highlights)
{
    /// <summary>The highlighted title when the API marked a match in it; null to show the plain title.</summary>
    public string? TitleHighlight => Markup(Highlights?.FirstOrDefault(h => h.Contains("<mark>") && PlainText(h) == Title));

    /// <summary>A highlighted fragment of another field (an email, the body), to show why the record matched.</summary>
    public string? Snippet => Markup(Highlights?.FirstOrDefault(h => h.Contains("<mark>") && PlainText(h) != Title && PlainText(h) != Subtitle));

    private static string PlainText(string highlight) => WebUtility.HtmlDecode(MarkTags().Replace(highlight, ""));

    /// <summary>
    /// The fragment with everything but <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c> encoded. Defence in depth: the pages
    /// render it as markup, and record text is anyone's input, so a highlight the API ever failed to escape must show as
    /// text rather than run as HTML in the reader's session.
    /// </summary>
    private static string? Markup(string? highlight) => highlight is null
        ? null
        : WebUtility.HtmlEncode(WebUtility.HtmlDecode(highlight)).Replace("&lt;mark&gt;", "<mark>").Replace("&lt;/mark&gt;", "</mark>");

    [GeneratedRegex("</?mark>")]
    private static partial Regex MarkTags();
}

/// <summary>The record types search covers, with the words and icons the web shows for them.</summary>
public static class SearchTypes
{
    public static readonly IReadOnlyList<string> All = ["contact", "company", "lead", "deal", "activity", "note"];

    /// <summary>The types semantic search covers (activities and notes are not embedded).</summary>
    public static readonly IReadOnlyList<string> Semantic = ["contact", "company", "lead", "deal"];

    public static string Label(string type) => type switch
    {
        "contact" => "Contacts",
        "company" => "Companies",
        "lead" => "Leads",
        "deal" => "Deals",
        "activity" => "Activities",
        "note" => "Notes",
        _ => Records.Format.Words(type),
    };

    public static string Icon(string type) => type switch
    {
        "activity" => "calendar",
        "note" => "note",
        _ => type,
    };
}
