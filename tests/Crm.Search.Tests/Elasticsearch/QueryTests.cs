using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>The <c>_search</c> body: workspace filter always, scope, facets filters, typo and prefix matching, highlights.</summary>
public sealed class QueryTests
{
    private static readonly Guid Workspace = Guid.NewGuid();

    public static TheoryData<string, string[], bool, bool> Requests => new()
    {
        { "jonh smtih", [], false, false },
        { "", [], false, false },
        { "   ", [SearchTypes.Deal], true, false },
        { "acm", [SearchTypes.Company, SearchTypes.Contact], true, true },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Every_query_filters_on_the_workspace(string text, string[] types, bool withFilters, bool withScope)
    {
        var request = TestDocuments.Request(Workspace, text, types: types,
            filters: withFilters ? new SearchFilters(Guid.NewGuid(), Guid.NewGuid(), ["vip"]) : SearchFilters.None,
            visibleOwners: withScope ? [Guid.NewGuid()] : null);

        var body = ElasticsearchQuery.Body(request, ElasticsearchQuery.Validate(request), null, 20);

        var filters = body["query"]!["bool"]!["filter"]!.AsArray();
        Assert.Contains(filters, filter => (string?)filter!["term"]?["workspace_id"] == Workspace.ToString());
        Assert.Contains(Workspace.ToString(), body.ToJsonString());
    }

    [Fact]
    public void No_types_means_every_type()
    {
        var request = TestDocuments.Request(Workspace, "x");

        Assert.Equal(SearchTypes.All, ElasticsearchQuery.Validate(request));
        var filters = ElasticsearchQuery.Filters(request, SearchTypes.All);
        Assert.Equal(SearchTypes.All, filters[1]!["terms"]!["type"]!.AsArray().Select(type => (string?)type));
    }

    [Fact]
    public void Facet_filters_all_apply_and_every_tag_must_be_there()
    {
        var owner = Guid.NewGuid();
        var stage = Guid.NewGuid();
        var request = TestDocuments.Request(Workspace, "x", filters: new SearchFilters(owner, stage, ["vip", "renewal"]));

        var filters = ElasticsearchQuery.Filters(request, SearchTypes.All).Select(filter => filter!.ToJsonString()).ToList();

        Assert.Contains($$$"""{"term":{"owner_id":"{{{owner}}}"}}""", filters);
        Assert.Contains($$$"""{"term":{"stage_id":"{{{stage}}}"}}""", filters);
        Assert.Contains("""{"term":{"tags":"vip"}}""", filters);
        Assert.Contains("""{"term":{"tags":"renewal"}}""", filters);
    }

    [Fact]
    public void Scope_all_adds_no_owner_filter()
    {
        var request = TestDocuments.Request(Workspace, "x", visibleOwners: null);

        Assert.Equal(2, ElasticsearchQuery.Filters(request, SearchTypes.All).Count);
    }

    [Fact]
    public void A_limited_scope_sees_only_its_owners_records()
    {
        var me = Guid.NewGuid();
        var teammate = Guid.NewGuid();
        var request = TestDocuments.Request(Workspace, "x", visibleOwners: [me, teammate]);

        var scope = ElasticsearchQuery.Filters(request, SearchTypes.All)[2]!;

        Assert.Equal([me.ToString(), teammate.ToString()], scope["terms"]!["owner_id"]!.AsArray().Select(owner => (string?)owner));
    }

    [Fact]
    public void An_empty_visible_owner_list_matches_nothing_rather_than_everything()
    {
        var request = TestDocuments.Request(Workspace, "x", visibleOwners: []);

        var filters = ElasticsearchQuery.Filters(request, SearchTypes.All);

        Assert.Equal(3, filters.Count);
        Assert.Empty(filters[2]!["terms"]!["owner_id"]!.AsArray());
    }

    [Fact]
    public void Every_word_must_match_as_a_fuzzy_word_or_a_prefix()
    {
        var request = TestDocuments.Request(Workspace, "jonh  smtih");

        var query = ElasticsearchQuery.Query(request, SearchTypes.All)["bool"]!;

        var words = query["must"]![0]!["bool"]!;
        Assert.Equal("3<-25%", (string?)words["minimum_should_match"]);
        var clauses = words["should"]!.AsArray();
        Assert.Equal(2, clauses.Count);
        var first = clauses[0]!["dis_max"]!["queries"]!.AsArray();
        Assert.Equal("jonh", (string?)first[0]!["multi_match"]!["query"]);
        Assert.Equal("AUTO", (string?)first[0]!["multi_match"]!["fuzziness"]);
        Assert.Equal(1, (int?)first[0]!["multi_match"]!["prefix_length"]);
        Assert.Equal(["title^4", "keywords^2", "body"], first[0]!["multi_match"]!["fields"]!.AsArray().Select(field => (string?)field));
        Assert.Equal(["title.prefix^2", "keywords.prefix"], first[1]!["multi_match"]!["fields"]!.AsArray().Select(field => (string?)field));
        Assert.Null(first[1]!["multi_match"]!["fuzziness"]);
        Assert.Equal("jonh smtih", (string?)query["should"]![0]!["match_phrase"]!["title"]!["query"]);
    }

    [Fact]
    public void No_text_matches_everything_in_the_filters()
    {
        var query = ElasticsearchQuery.Query(TestDocuments.Request(Workspace, "  "), SearchTypes.All)["bool"]!;

        Assert.NotNull(query["must"]![0]!["match_all"]);
        Assert.Null(query["should"]);
    }

    [Fact]
    public void Long_texts_are_cut_to_ten_words_of_at_most_a_hundred_characters()
    {
        var terms = ElasticsearchQuery.Terms(string.Join(' ', Enumerable.Range(0, 30).Select(i => new string('a', 150))));

        Assert.Equal(10, terms.Count);
        Assert.All(terms, term => Assert.Equal(100, term.Length));
    }

    [Fact]
    public void The_body_asks_one_hit_more_sorts_for_search_after_highlights_in_mark_and_counts_facets()
    {
        var request = TestDocuments.Request(Workspace, "acme", limit: 10);
        var after = new ElasticsearchCursor(2.5, SearchTypes.Company, Guid.NewGuid().ToString(), ElasticsearchCursor.HashOf(request));

        var body = ElasticsearchQuery.Body(request, SearchTypes.All, after, 20);

        Assert.Equal(11, (int?)body["size"]);
        Assert.Equal("""[{"_score":"desc"},{"type":"asc"},{"id":"asc"}]""", body["sort"]!.ToJsonString());
        Assert.Equal($"""[2.5,"company","{after.Id}"]""", body["search_after"]!.ToJsonString());
        var highlight = body["highlight"]!;
        Assert.Equal("html", (string?)highlight["encoder"]);
        Assert.Equal("<mark>", (string?)highlight["pre_tags"]![0]);
        Assert.Equal("</mark>", (string?)highlight["post_tags"]![0]);
        Assert.NotNull(highlight["fields"]!["title.prefix"]);
        var aggregations = body["aggs"]!.AsObject();
        Assert.Equal(["type", "owner", "stage", "tags"], aggregations.Select(aggregation => aggregation.Key));
        Assert.Equal("owner_id", (string?)aggregations["owner"]!["terms"]!["field"]);
        Assert.Equal(6, (int?)aggregations["type"]!["terms"]!["size"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void A_limit_outside_one_to_fifty_is_refused(int limit)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ElasticsearchQuery.Validate(TestDocuments.Request(Workspace, "x", limit: limit)));

        Assert.Equal("Limit", error.ParamName);
    }

    [Fact]
    public void An_unknown_type_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ElasticsearchQuery.Validate(TestDocuments.Request(Workspace, "x", types: ["invoice"])));

        Assert.Equal("Types", error.ParamName);
    }

    [Fact]
    public void The_template_has_the_word_and_edge_ngram_analyzers_and_strict_mappings()
    {
        var template = new ElasticsearchIndexDesign("crm").Template(shards: 1, replicas: 1, priority: 200);

        Assert.Equal(SearchTypes.All.Select(type => $"crm-{type}-*"), template["index_patterns"]!.AsArray().Select(pattern => (string?)pattern));
        var analysis = template["template"]!["settings"]!["analysis"]!;
        Assert.Equal(["lowercase", "asciifolding"], analysis["analyzer"]!["crm_word"]!["filter"]!.AsArray().Select(f => (string?)f));
        Assert.Equal("standard", (string?)analysis["analyzer"]!["crm_prefix"]!["tokenizer"]);
        Assert.Equal(["edge_ngram", "2", "15"], new[] { "type", "min_gram", "max_gram" }.Select(key => analysis["filter"]!["crm_edge_ngram"]![key]!.ToString()));
        var mappings = template["template"]!["mappings"]!;
        Assert.Equal("strict", (string?)mappings["dynamic"]);
        Assert.True((bool?)mappings["_routing"]!["required"]);
        var title = mappings["properties"]!["title"]!;
        Assert.Equal("crm_prefix", (string?)title["fields"]!["prefix"]!["analyzer"]);
        Assert.Equal("crm_prefix_search", (string?)title["fields"]!["prefix"]!["search_analyzer"]);
        Assert.Equal("keyword", (string?)title["fields"]!["keyword"]!["type"]);
        Assert.False((bool?)mappings["properties"]!["fingerprint"]!["index"]);
        foreach (var keyword in new[] { "workspace_id", "type", "id", "owner_id", "stage_id", "tags" })
        {
            Assert.Equal("keyword", (string?)mappings["properties"]![keyword]!["type"]);
        }
    }

    [Fact]
    public void Names_follow_prefix_type_generation()
    {
        var design = new ElasticsearchIndexDesign("crm");

        Assert.Equal("crm-contact", design.Alias(SearchTypes.Contact));
        Assert.Equal("crm-contact-20261207094512345", design.Index(SearchTypes.Contact, ElasticsearchIndexDesign.NewGeneration(new DateTimeOffset(2026, 12, 7, 9, 45, 12, 345, TimeSpan.Zero))));
        Assert.Equal("crm-search", design.TemplateName);
    }
}
