using Crm.Domain.Search;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>
/// The <see cref="ISearchBackend"/> contract against a real Elasticsearch (CRM_TEST_ELASTICSEARCH_URL): the same
/// semantics as the PostgreSQL backend. Each test works in workspaces of its own, so they share the fixture's indexes.
/// </summary>
public sealed class ElasticsearchContractTests(ElasticsearchContractFixture fixture) : IClassFixture<ElasticsearchContractFixture>
{
    private ISearchBackend Backend => fixture.Backend;

    [ElasticsearchFact]
    public async Task A_name_with_typos_finds_the_contact()
    {
        var workspace = Guid.NewGuid();
        var john = TestDocuments.Make(workspace, SearchTypes.Contact, "John Smith", keywords: ["john.smith@acme.com"]);
        await IndexAsync(john,
            TestDocuments.Make(workspace, SearchTypes.Contact, "Jane Doe"),
            TestDocuments.Make(workspace, SearchTypes.Company, "Smithson Logistics"));

        var results = await SearchAsync(workspace, "jonh smtih");

        Assert.Equal(john.Id, results.Data[0].Id);
        Assert.DoesNotContain(results.Data, hit => hit.Title == "Jane Doe");
    }

    [ElasticsearchFact]
    public async Task A_prefix_finds_the_company()
    {
        var workspace = Guid.NewGuid();
        var acme = TestDocuments.Make(workspace, SearchTypes.Company, "Acme Corp", keywords: ["acme.com"]);
        await IndexAsync(acme, TestDocuments.Make(workspace, SearchTypes.Company, "Globex"));

        var results = await SearchAsync(workspace, "acm");

        Assert.Equal(acme.Id, Assert.Single(results.Data).Id);
        Assert.Contains(results.Data[0].Highlights, fragment => fragment.Contains("<mark>Acme</mark>", StringComparison.Ordinal));
    }

    [ElasticsearchFact]
    public async Task Another_workspaces_documents_are_never_returned()
    {
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        var myAcme = TestDocuments.Make(mine, SearchTypes.Company, "Acme Corp");
        await IndexAsync(myAcme, TestDocuments.Make(theirs, SearchTypes.Company, "Acme Corp"),
            TestDocuments.Make(theirs, SearchTypes.Contact, "Acme Contact", tags: ["secret"]));

        var results = await SearchAsync(mine, "acme");
        var everything = await SearchAsync(mine, "");

        Assert.Equal(myAcme.Id, Assert.Single(results.Data).Id);
        Assert.Equal(myAcme.Id, Assert.Single(everything.Data).Id);
        Assert.Equal([new SearchFacetValue(SearchTypes.Company, 1)], everything.Facets["type"]);
        Assert.Empty(everything.Facets["tags"]);
    }

    [ElasticsearchFact]
    public async Task Facets_count_everything_matched_by_type_owner_stage_and_tags()
    {
        var workspace = Guid.NewGuid();
        var owner = Guid.NewGuid();
        var stage = Guid.NewGuid();
        await IndexAsync(
            TestDocuments.Make(workspace, SearchTypes.Deal, "Acme renewal", ownerId: owner, stageId: stage, tags: ["vip", "renewal"]),
            TestDocuments.Make(workspace, SearchTypes.Deal, "Acme upsell", ownerId: owner, stageId: stage, tags: ["vip"]),
            TestDocuments.Make(workspace, SearchTypes.Company, "Acme Corp", tags: ["vip"]),
            TestDocuments.Make(workspace, SearchTypes.Company, "Globex", ownerId: owner));

        var results = await SearchAsync(workspace, "acme", limit: 1);

        Assert.Single(results.Data);
        Assert.Equal([new SearchFacetValue(SearchTypes.Deal, 2), new SearchFacetValue(SearchTypes.Company, 1)], results.Facets["type"]);
        Assert.Equal([new SearchFacetValue(owner.ToString(), 2)], results.Facets["owner"]);
        Assert.Equal([new SearchFacetValue(stage.ToString(), 2)], results.Facets["stage"]);
        Assert.Equal([new SearchFacetValue("vip", 3), new SearchFacetValue("renewal", 1)], results.Facets["tags"]);

        var filtered = await Backend.SearchAsync(
            TestDocuments.Request(workspace, "acme", filters: new SearchFilters(owner, stage, ["vip", "renewal"])), CancellationToken.None);
        Assert.Equal("Acme renewal", Assert.Single(filtered.Data).Title);
        var deals = await Backend.SearchAsync(TestDocuments.Request(workspace, "acme", types: [SearchTypes.Deal]), CancellationToken.None);
        Assert.All(deals.Data, hit => Assert.Equal(SearchTypes.Deal, hit.Type));
        Assert.Equal(2, deals.Data.Count);
    }

    [ElasticsearchFact]
    public async Task A_limited_scope_sees_only_its_owners_records()
    {
        var workspace = Guid.NewGuid();
        var me = Guid.NewGuid();
        var other = Guid.NewGuid();
        var mine = TestDocuments.Make(workspace, SearchTypes.Lead, "Acme lead mine", ownerId: me);
        var nobodys = TestDocuments.Make(workspace, SearchTypes.Lead, "Acme lead unowned");
        await IndexAsync(mine, nobodys, TestDocuments.Make(workspace, SearchTypes.Lead, "Acme lead other", ownerId: other));

        var results = await Backend.SearchAsync(TestDocuments.Request(workspace, "acme", visibleOwners: [me]), CancellationToken.None);

        Assert.Equal([mine.Id], results.Data.Select(hit => hit.Id));
        Assert.DoesNotContain(results.Facets["owner"], facet => facet.Value == other.ToString());
    }

    [ElasticsearchFact]
    public async Task Highlights_mark_the_match_and_escape_the_rest()
    {
        var workspace = Guid.NewGuid();
        await IndexAsync(TestDocuments.Make(workspace, SearchTypes.Note, "Acme <script>alert(1)</script>", body: "Called Acme & <b>friends</b>"));

        var hit = Assert.Single((await SearchAsync(workspace, "acme")).Data);

        Assert.Equal("Acme <script>alert(1)</script>", hit.Title); // the title itself is data; the API encodes it as JSON
        Assert.NotEmpty(hit.Highlights);
        // No markup but <mark>: without it, no '<' or '>' is left.
        Assert.All(hit.Highlights, fragment =>
            Assert.DoesNotContain(fragment.Replace("<mark>", "").Replace("</mark>", ""), character => character is '<' or '>'));
        Assert.Contains(hit.Highlights, fragment => fragment.Contains("<mark>Acme</mark> &lt;script&gt;", StringComparison.Ordinal));
    }

    [ElasticsearchFact]
    public async Task Paging_with_the_cursor_returns_every_hit_once()
    {
        var workspace = Guid.NewGuid();
        var widgets = Enumerable.Range(1, 23).Select(i => TestDocuments.Make(workspace, SearchTypes.Deal, $"Widget order {i}")).ToArray();
        await IndexAsync(widgets);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Backend.SearchAsync(TestDocuments.Request(workspace, "widget", limit: 10, cursor: cursor), CancellationToken.None);
            seen.AddRange(page.Data.Select(hit => hit.Id));
            Assert.Equal(page.HasMore, page.NextCursor is not null);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(widgets.Select(widget => widget.Id).Order(), seen.Order());
    }

    [ElasticsearchFact]
    public async Task Deleted_documents_are_gone_and_deleting_a_missing_one_is_no_error()
    {
        var workspace = Guid.NewGuid();
        var acme = TestDocuments.Make(workspace, SearchTypes.Company, "Acme Corp");
        await IndexAsync(acme);

        await Backend.DeleteAsync(workspace, [new SearchKey(SearchTypes.Company, acme.Id), new SearchKey(SearchTypes.Contact, Guid.NewGuid())], CancellationToken.None);
        await fixture.RefreshAsync();

        Assert.Empty((await SearchAsync(workspace, "acme")).Data);
    }

    [ElasticsearchFact]
    public async Task An_upsert_replaces_the_document_and_indexed_returns_keys_and_fingerprints()
    {
        var workspace = Guid.NewGuid();
        var acme = TestDocuments.Make(workspace, SearchTypes.Company, "Acme Corp");
        var john = TestDocuments.Make(workspace, SearchTypes.Contact, "John Smith", keywords: ["Acme Corp"]);
        await IndexAsync(acme, john, TestDocuments.Make(Guid.NewGuid(), SearchTypes.Company, "Elsewhere"));
        var renamed = john with { Keywords = ["Acme Corporation"] };
        await IndexAsync(renamed);

        var indexed = await Backend.IndexedAsync(workspace, CancellationToken.None).ToListAsync();

        Assert.Equal(
            new[] { (new SearchKey(SearchTypes.Company, acme.Id), acme.Fingerprint()), (new SearchKey(SearchTypes.Contact, john.Id), renamed.Fingerprint()) }
                .OrderBy(item => item.Item1.Type).ThenBy(item => item.Item1.Id.ToString()),
            indexed.OrderBy(item => item.Key.Type).ThenBy(item => item.Key.Id.ToString()));
        Assert.NotEqual(john.Fingerprint(), renamed.Fingerprint());
    }

    private async Task IndexAsync(params SearchDocument[] documents)
    {
        await Backend.UpsertAsync(documents, CancellationToken.None);
        await fixture.RefreshAsync();
    }

    private Task<SearchResults> SearchAsync(Guid workspace, string text, int limit = 20) =>
        Backend.SearchAsync(TestDocuments.Request(workspace, text, limit: limit), CancellationToken.None);
}

/// <summary>
/// The rebuild replaces every workspace's documents, so it has indexes (a fixture) of its own: searches keep working
/// across the alias swap, see only the new documents afterwards, and the old generation is deleted.
/// </summary>
public sealed class ElasticsearchRebuildContractTests(ElasticsearchContractFixture fixture) : IClassFixture<ElasticsearchContractFixture>
{
    [ElasticsearchFact]
    public async Task A_rebuild_swaps_the_aliases_to_new_indexes_and_search_keeps_working()
    {
        var backend = fixture.Backend;
        var workspace = Guid.NewGuid();
        var old = TestDocuments.Make(workspace, SearchTypes.Company, "Acme Old");
        await backend.UpsertAsync([old], CancellationToken.None);
        await fixture.RefreshAsync();
        var before = await fixture.IndexesAsync();

        var replacement = Enumerable.Range(1, 30).Select(i => TestDocuments.Make(workspace, SearchTypes.All[i % 6], $"Acme record {i}")).ToList();
        var progress = new List<long>();
        var searchedDuring = 0;
        await backend.ReplaceAllAsync(Slowly(replacement, async () =>
        {
            // While the new generation loads, readers still get the old one.
            var during = await backend.SearchAsync(TestDocuments.Request(workspace, "acme"), CancellationToken.None);
            Assert.Equal(old.Id, Assert.Single(during.Data).Id);
            searchedDuring++;
        }), new Progress(progress), CancellationToken.None);

        var after = await backend.SearchAsync(TestDocuments.Request(workspace, "acme", limit: 50), CancellationToken.None);
        Assert.Equal(replacement.Select(document => document.Id).Order(), after.Data.Select(hit => hit.Id).Order());
        Assert.True(searchedDuring > 0);
        Assert.Equal(30L, progress[^1]);

        var indexes = await fixture.IndexesAsync();
        Assert.Equal(SearchTypes.All.Count, indexes.Count);
        Assert.Empty(indexes.Keys.Intersect(before.Keys));
        Assert.All(SearchTypes.All, type => Assert.Single(indexes, index => index.Value.SequenceEqual([$"{fixture.Prefix}-{type}"])));

        // Writes after the swap go to the new generation.
        var added = TestDocuments.Make(workspace, SearchTypes.Contact, "Zebulon Acmeson");
        await backend.UpsertAsync([added], CancellationToken.None);
        await fixture.RefreshAsync();
        Assert.Equal(added.Id, Assert.Single((await backend.SearchAsync(TestDocuments.Request(workspace, "zebulon"), CancellationToken.None)).Data).Id);
    }

    private static async IAsyncEnumerable<SearchDocument> Slowly(IEnumerable<SearchDocument> documents, Func<Task> meanwhile)
    {
        var i = 0;
        foreach (var document in documents)
        {
            if (i++ == 10)
            {
                await meanwhile();
            }
            yield return document;
        }
    }

    private sealed class Progress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
