namespace Crm.Domain.Search;

/// <summary>
/// One search, always within one workspace. <see cref="VisibleOwners"/> carries the caller's record scope: null for
/// scope "all", else the owners whose records the caller may see (themselves for "own", their teams' members for
/// "team"); a record without an owner is then not visible, as in the API's lists.
/// </summary>
/// <remarks>
/// <c>Text</c>: What the user typed: words, prefixes, typos ("jonh smtih", "acm").<br/>
/// <c>Types</c>: The types to search (empty: all of <see cref="SearchTypes.All"/>).<br/>
/// <c>Limit</c>: Hits per page, 1 to 50.<br/>
/// <c>Cursor</c>: The previous page's <see cref="SearchResults.NextCursor"/>, opaque to callers.<br/>
/// </remarks>
public sealed record SearchRequest(
    Guid WorkspaceId,
    string Text,
    IReadOnlyList<string> Types,
    SearchFilters Filters,
    IReadOnlyList<Guid>? VisibleOwners,
    int Limit,
    string? Cursor);

/// <summary>The facet filters (filter[owner]=, filter[stage]=, filter[tags]=); every one given must match.</summary>
public sealed record SearchFilters(Guid? OwnerId, Guid? StageId, IReadOnlyList<string> Tags)
{
    public static readonly SearchFilters None = new(null, null, []);
}

/// <summary>A page of hits, best first, with the facet counts of everything the query matched.</summary>
/// <remarks>
/// <c>Facets</c>: By facet name ("type", "owner", "stage", "tags"), the values and their counts.<br/>
/// </remarks>
public sealed record SearchResults(
    IReadOnlyList<SearchHit> Data,
    IReadOnlyDictionary<string, IReadOnlyList<SearchFacetValue>> Facets,
    string? NextCursor,
    bool HasMore);

/// <remarks>
/// <c>Highlights</c>: Fragments of the matched fields with the matches marked as &lt;mark&gt;…&lt;/mark&gt;.<br/>
/// </remarks>
public sealed record SearchHit(string Type, Guid Id, string Title, string? Subtitle, double Score, IReadOnlyList<string> Highlights);

public sealed record SearchFacetValue(string Value, long Count);
