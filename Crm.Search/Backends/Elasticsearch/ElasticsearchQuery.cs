using System.Text.Json.Nodes;
using Crm.Domain.Search;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>
/// Builds the <c>_search</c> body of a <see cref="SearchRequest"/>. The same semantics as the PostgreSQL backend:
/// every word typed must match somewhere (title, keywords or body), as a word with typos ("jonh" → John) or as the start
/// of a word ("acm" → Acme); always within the request's workspace and the caller's visible owners.
/// </summary>
internal static class ElasticsearchQuery
{
    public const int MaxLimit = 50;
    public const int MaxTerms = 10;
    public const int MaxTermLength = 100;

    /// <summary>The facets: their name in <see cref="SearchResults.Facets"/> and the field they count.</summary>
    public static readonly IReadOnlyList<(string Name, string Field)> Facets =
        [("type", "type"), ("owner", "owner_id"), ("stage", "stage_id"), ("tags", "tags")];

    /// <summary>Fields highlighted, in the order their fragments are returned; a prefix subfield stands in for its field.</summary>
    public static readonly IReadOnlyList<(string Field, string? Fallback)> HighlightFields =
        [("title", "title.prefix"), ("keywords", "keywords.prefix"), ("body", null)];

    /// <summary>
    /// Refuses what the contract does not allow, as <see cref="ArgumentException"/>s the API answers with 400: a limit
    /// outside 1..50, an unknown type, a garbled cursor (see <see cref="ElasticsearchCursor"/>).
    /// </summary>
    public static IReadOnlyList<string> Validate(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(SearchRequest.Limit), request.Limit, $"Limit must be 1 to {MaxLimit}.");
        }
        if (request.WorkspaceId == Guid.Empty)
        {
            throw new ArgumentException("A search needs a workspace.", nameof(SearchRequest.WorkspaceId));
        }
        foreach (var type in request.Types)
        {
            if (!SearchTypes.All.Contains(type))
            {
                throw new ArgumentException($"Unknown search type '{type}'.", nameof(SearchRequest.Types));
            }
        }
        return request.Types.Count == 0 ? SearchTypes.All : [.. request.Types.Distinct()];
    }

    /// <summary>The words of <paramref name="text"/> (whitespace-separated, at most <see cref="MaxTerms"/>).</summary>
    public static IReadOnlyList<string> Terms(string? text) =>
        [.. (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(term => term.Length > MaxTermLength ? term[..MaxTermLength] : term)
            .Take(MaxTerms)];

    public static JsonObject Body(SearchRequest request, IReadOnlyList<string> types, ElasticsearchCursor? after, int facetSize)
    {
        var body = new JsonObject
        {
            // One more than asked: its presence says whether there is a next page.
            ["size"] = request.Limit + 1,
            ["track_total_hits"] = false,
            ["track_scores"] = true,
            ["_source"] = ElasticsearchIndexDesign.Strings(["type", "id", "title", "subtitle"]),
            ["query"] = Query(request, types),
            ["sort"] = new JsonArray(
                new JsonObject { ["_score"] = "desc" },
                new JsonObject { ["type"] = "asc" },
                new JsonObject { ["id"] = "asc" }),
            ["highlight"] = Highlight(),
            ["aggs"] = Aggregations(facetSize),
        };
        if (after is not null)
        {
            body["search_after"] = new JsonArray(after.Score, after.Type, after.Id);
        }
        return body;
    }

    public static JsonObject Query(SearchRequest request, IReadOnlyList<string> types)
    {
        var terms = Terms(request.Text);
        var query = new JsonObject
        {
            ["filter"] = Filters(request, types),
            ["must"] = new JsonArray(terms.Count == 0
                ? new JsonObject { ["match_all"] = new JsonObject() }
                : new JsonObject
                {
                    ["bool"] = new JsonObject
                    {
                        ["should"] = new JsonArray(terms.Select(term => (JsonNode?)TermClause(term)).ToArray()),
                        // Up to three words, all must match; of more, three quarters (a long query tolerates a stray word).
                        ["minimum_should_match"] = "3<-25%",
                    },
                }),
        };
        if (terms.Count > 1)
        {
            // The words in order in the title rank first ("john smith" over "Smith & John Ltd").
            query["should"] = new JsonArray(new JsonObject
            {
                ["match_phrase"] = new JsonObject
                {
                    ["title"] = new JsonObject { ["query"] = string.Join(' ', terms), ["slop"] = 2, ["boost"] = 2 },
                },
            });
        }
        return new JsonObject { ["bool"] = query };
    }

    /// <summary>
    /// The filters, in filter context (cached, unscored). The workspace filter is always there: routing only picks a
    /// shard, which holds other workspaces too.
    /// </summary>
    public static JsonArray Filters(SearchRequest request, IReadOnlyList<string> types)
    {
        var filters = new JsonArray(
            Term("workspace_id", request.WorkspaceId.ToString()),
            new JsonObject { ["terms"] = new JsonObject { ["type"] = ElasticsearchIndexDesign.Strings(types) } });
        if (request.Filters.OwnerId is { } owner)
        {
            filters.Add(Term("owner_id", owner.ToString()));
        }
        if (request.Filters.StageId is { } stage)
        {
            filters.Add(Term("stage_id", stage.ToString()));
        }
        foreach (var tag in request.Filters.Tags.Distinct())
        {
            // Every tag given must be on the record.
            filters.Add(Term("tags", tag));
        }
        if (request.VisibleOwners is { } visible)
        {
            // Scope "own"/"team": only these owners' records, as in the API's lists (a record without owner is not theirs).
            filters.Add(new JsonObject { ["terms"] = new JsonObject { ["owner_id"] = ElasticsearchIndexDesign.Strings(visible.Select(id => id.ToString())) } });
        }
        return filters;
    }

    /// <summary>
    /// One typed word: the best of (a) the word with typos (fuzziness AUTO: one edit from 3 characters, two from 6; the
    /// first letter must be right, which keeps the expansions few and relevant) in title, keywords and body, (b) the start
    /// of a word (the edge n-gram subfields), (c) the start of a word with a typo, from 4 characters ("smti" → Smith).
    /// </summary>
    public static JsonObject TermClause(string term) => new()
    {
        ["dis_max"] = new JsonObject
        {
            ["tie_breaker"] = 0.3,
            ["queries"] = new JsonArray(
                MultiMatch(term, ["title^4", "keywords^2", "body"], "AUTO"),
                MultiMatch(term, ["title.prefix^2", "keywords.prefix"], null),
                MultiMatch(term, ["title.prefix", "keywords.prefix^0.5"], "AUTO:4,7")),
        },
    };

    private static JsonObject MultiMatch(string term, string[] fields, string? fuzziness)
    {
        var match = new JsonObject
        {
            ["query"] = term,
            ["fields"] = ElasticsearchIndexDesign.Strings(fields),
            ["type"] = "best_fields",
            // A word the analyzer splits ("john.smith@acme.com") must match whole.
            ["operator"] = "and",
        };
        if (fuzziness is not null)
        {
            match["fuzziness"] = fuzziness;
            match["prefix_length"] = 1;
            match["max_expansions"] = 50;
        }
        return new JsonObject { ["multi_match"] = match };
    }

    /// <summary>Matches in &lt;mark&gt;; the html encoder escapes the rest of the text, so a title's "&lt;script&gt;" is inert.</summary>
    private static JsonObject Highlight()
    {
        var fields = new JsonObject();
        foreach (var (field, fallback) in HighlightFields)
        {
            var settings = field == "body"
                ? new JsonObject { ["fragment_size"] = 150, ["number_of_fragments"] = 2 }
                : new JsonObject { ["number_of_fragments"] = 0 };
            fields[field] = settings;
            if (fallback is not null)
            {
                fields[fallback] = settings.DeepClone();
            }
        }
        return new JsonObject
        {
            ["pre_tags"] = new JsonArray("<mark>"),
            ["post_tags"] = new JsonArray("</mark>"),
            ["encoder"] = "html",
            ["type"] = "unified",
            ["fields"] = fields,
        };
    }

    /// <summary>Facet counts over everything the query matched (not just the page).</summary>
    private static JsonObject Aggregations(int facetSize)
    {
        var aggregations = new JsonObject();
        foreach (var (name, field) in Facets)
        {
            aggregations[name] = new JsonObject
            {
                ["terms"] = new JsonObject { ["field"] = field, ["size"] = name == "type" ? SearchTypes.All.Count : facetSize },
            };
        }
        return aggregations;
    }

    private static JsonObject Term(string field, string value) =>
        new() { ["term"] = new JsonObject { [field] = value } };
}
