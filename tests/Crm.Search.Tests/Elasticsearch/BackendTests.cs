using System.Net;
using System.Text.Json.Nodes;
using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>The backend's conversation with Elasticsearch, against a scripted fake (no server needed).</summary>
public sealed class BackendTests
{
    private static readonly Guid Workspace = Guid.NewGuid();

    [Fact]
    public async Task The_first_use_creates_the_template_and_each_types_index_behind_its_alias_once()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Head, "_alias/", (HttpStatusCode.NotFound, ""));
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request));
        var backend = fake.Backend();

        await backend.UpsertAsync([TestDocuments.Make(Workspace, SearchTypes.Contact, "John Smith")], CancellationToken.None);
        await backend.UpsertAsync([TestDocuments.Make(Workspace, SearchTypes.Contact, "Jane Doe")], CancellationToken.None);

        var template = Assert.Single(fake.To(HttpMethod.Put, "_index_template/"));
        Assert.Equal("_index_template/crm-search", template.Path);
        var created = fake.Requests.Where(request => request.Method == HttpMethod.Put && !request.Path.StartsWith('_')).ToList();
        Assert.Equal(SearchTypes.All.Select(type => $"crm-{type}-0"), created.Select(request => request.Path));
        Assert.All(created, request =>
        {
            var alias = request.Path[..^2];
            Assert.True((bool?)request.Json!["aliases"]![alias]!["is_write_index"]);
        });
        Assert.Equal(2, fake.To(HttpMethod.Post, "_bulk").Count());
        Assert.Equal("crm-contact", (string?)fake.To(HttpMethod.Post, "_bulk").First().Json!["index"]!["_index"]);
    }

    [Fact]
    public async Task Concurrent_first_uses_in_one_process_initialize_once()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "crm-", (HttpStatusCode.OK, """{"hits":{"hits":[]}}"""));
        var backend = fake.Backend();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => backend.SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None))));

        Assert.Single(fake.To(HttpMethod.Put, "_index_template/"));
        Assert.Equal(SearchTypes.All.Count, fake.To(HttpMethod.Head, "_alias/").Count());
        Assert.Equal(8, fake.To(HttpMethod.Post, "crm-").Count());
    }

    [Fact]
    public async Task An_index_another_process_created_first_is_no_error()
    {
        var fake = new FakeElasticsearch();
        var aliasChecks = 0;
        // The alias is missing at the first look, there at the second: another replica won the race.
        fake.On(HttpMethod.Head, "_alias/", _ => FakeElasticsearch.Response(++aliasChecks % 2 == 1 ? HttpStatusCode.NotFound : HttpStatusCode.OK, ""));
        fake.On(HttpMethod.Put, "crm-", (HttpStatusCode.BadRequest,
            """{"error":{"type":"resource_already_exists_exception","reason":"index [crm-contact-0/abc] already exists"},"status":400}"""));
        var backend = fake.Backend();

        await backend.EnsureInitializedAsync(CancellationToken.None);

        Assert.Empty(fake.To(HttpMethod.Post, "_aliases"));
        Assert.Equal(SearchTypes.All.Count, fake.Requests.Count(request => request.Method == HttpMethod.Put && request.Path.StartsWith("crm-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Another_failure_to_create_an_index_is_reported_and_retried_at_the_next_use()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Head, "_alias/", (HttpStatusCode.NotFound, ""));
        fake.On(HttpMethod.Put, "crm-", (HttpStatusCode.BadRequest, """{"error":{"type":"illegal_argument_exception","reason":"unknown setting"},"status":400}"""));
        var backend = fake.Backend();

        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => backend.EnsureInitializedAsync(CancellationToken.None));
        Assert.Contains("crm-contact-0", error.Message);
        Assert.Contains("unknown setting", error.Message);

        await Assert.ThrowsAsync<ElasticsearchException>(() => backend.EnsureInitializedAsync(CancellationToken.None));
        Assert.Equal(2, fake.To(HttpMethod.Put, "_index_template/").Count());
    }

    [Fact]
    public async Task A_search_is_routed_to_the_workspace_with_dfs_and_reads_hits_highlights_facets_and_the_cursor()
    {
        var fake = new FakeElasticsearch();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var owner = Guid.NewGuid();
        fake.On(HttpMethod.Post, "crm-", (HttpStatusCode.OK, $$"""
            {"took":3,"hits":{"hits":[
              {"_index":"crm-contact-0","_score":4.25,"_source":{"type":"contact","id":"{{first}}","title":"John Smith","subtitle":"CTO · Acme"},
               "highlight":{"title":["<mark>John</mark> <mark>Smith</mark>"],"title.prefix":["<mark>John</mark> Smith"],"body":["met &lt;b&gt; <mark>john</mark>"]},
               "sort":[4.25,"contact","{{first}}"]},
              {"_index":"crm-company-0","_score":1.5,"_source":{"type":"company","id":"{{second}}","title":"Smith Ltd"},
               "highlight":{"title.prefix":["<mark>Smith</mark> Ltd"]},
               "sort":[1.5,"company","{{second}}"]},
              {"_index":"crm-note-0","_score":1.0,"_source":{"type":"note","id":"{{Guid.NewGuid()}}","title":"Call"},"sort":[1.0,"note","x"]}
            ]},
            "aggregations":{
              "type":{"buckets":[{"key":"contact","doc_count":7},{"key":"company","doc_count":2}]},
              "owner":{"buckets":[{"key":"{{owner}}","doc_count":5}]},
              "stage":{"buckets":[]},
              "tags":{"buckets":[{"key":"vip","doc_count":3}]} } }
            """));
        var backend = fake.Backend();
        var request = TestDocuments.Request(Workspace, "jonh smtih", limit: 2, types: [SearchTypes.Contact, SearchTypes.Company]);

        var results = await backend.SearchAsync(request, CancellationToken.None);

        var search = Assert.Single(fake.To(HttpMethod.Post, "crm-"));
        Assert.Equal($"crm-contact,crm-company/_search?routing={Workspace}&search_type=dfs_query_then_fetch", search.Path);
        Assert.Contains(Workspace.ToString(), search.Json!["query"]!["bool"]!["filter"]!.ToJsonString());

        Assert.Equal([(SearchTypes.Contact, first), (SearchTypes.Company, second)], results.Data.Select(hit => (hit.Type, hit.Id)));
        var john = results.Data[0];
        Assert.Equal(("John Smith", "CTO · Acme", 4.25), (john.Title, john.Subtitle, john.Score));
        Assert.Equal(["<mark>John</mark> <mark>Smith</mark>", "met &lt;b&gt; <mark>john</mark>"], john.Highlights);
        Assert.Equal(["<mark>Smith</mark> Ltd"], results.Data[1].Highlights);
        Assert.Null(results.Data[1].Subtitle);

        Assert.True(results.HasMore);
        var cursor = ElasticsearchCursor.Decode(results.NextCursor!, request);
        Assert.Equal((1.5, "company", second.ToString()), (cursor.Score, cursor.Type, cursor.Id));

        Assert.Equal(["type", "owner", "stage", "tags"], results.Facets.Keys);
        Assert.Equal([new SearchFacetValue("contact", 7), new SearchFacetValue("company", 2)], results.Facets["type"]);
        Assert.Equal([new SearchFacetValue(owner.ToString(), 5)], results.Facets["owner"]);
        Assert.Empty(results.Facets["stage"]);
        Assert.Equal([new SearchFacetValue("vip", 3)], results.Facets["tags"]);
    }

    [Fact]
    public async Task The_last_page_has_no_cursor()
    {
        var fake = new FakeElasticsearch();
        var id = Guid.NewGuid();
        fake.On(HttpMethod.Post, "crm-", (HttpStatusCode.OK, $$"""
            {"hits":{"hits":[{"_score":1.0,"_source":{"type":"deal","id":"{{id}}","title":"Big deal"},"sort":[1.0,"deal","{{id}}"]}]} }
            """));

        var results = await fake.Backend().SearchAsync(TestDocuments.Request(Workspace, "big", limit: 1), CancellationToken.None);

        Assert.Single(results.Data);
        Assert.False(results.HasMore);
        Assert.Null(results.NextCursor);
        Assert.All(results.Facets.Values, Assert.Empty);
    }

    [Fact]
    public async Task A_next_page_sends_search_after()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "crm-", (HttpStatusCode.OK, """{"hits":{"hits":[]}}"""));
        var request = TestDocuments.Request(Workspace, "acme");
        var id = Guid.NewGuid().ToString();
        var cursor = new ElasticsearchCursor(0.87654321, SearchTypes.Company, id, ElasticsearchCursor.HashOf(request)).Encode();

        await fake.Backend().SearchAsync(request with { Cursor = cursor }, CancellationToken.None);

        Assert.Equal($"""[0.87654321,"company","{id}"]""", fake.To(HttpMethod.Post, "crm-").Single().Json!["search_after"]!.ToJsonString());
    }

    [Fact]
    public async Task Deletes_go_to_the_types_alias_routed_by_workspace()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request, _ => 404));
        var id = Guid.NewGuid();

        await fake.Backend().DeleteAsync(Workspace, [new SearchKey(SearchTypes.Deal, id)], CancellationToken.None);

        var line = fake.To(HttpMethod.Post, "_bulk").Single().Json!["delete"]!;
        Assert.Equal(("crm-deal", $"{Workspace}:{id}", Workspace.ToString()), ((string?)line["_index"], (string?)line["_id"], (string?)line["routing"]));
    }

    [Fact]
    public async Task An_unknown_type_is_refused_before_anything_is_sent()
    {
        var fake = new FakeElasticsearch();

        await Assert.ThrowsAsync<ArgumentException>(() => fake.Backend().UpsertAsync([TestDocuments.Make(Workspace, "invoice", "x")], CancellationToken.None));

        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task A_rebuild_loads_new_indexes_then_swaps_every_alias_at_once_and_deletes_the_old_ones()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request));
        fake.On(HttpMethod.Get, "_alias/", request =>
        {
            var alias = request.Path["_alias/".Length..];
            return FakeElasticsearch.Response(HttpStatusCode.OK, $$"""{"{{alias}}-0":{"aliases":{"{{alias}}":{ } } } }""");
        });
        var backend = fake.Backend(options => options.BulkMaxDocuments = 2);
        var documents = Enumerable.Range(0, 5).Select(i => TestDocuments.Make(Workspace, SearchTypes.All[i % 6], $"Record {i}")).ToList();
        var progress = new List<long>();

        await backend.ReplaceAllAsync(documents.ToAsyncEnumerable(), new SynchronousProgress(progress), CancellationToken.None);

        var created = fake.Requests.Where(request => request.Method == HttpMethod.Put && request.Json?["aliases"] is JsonObject aliases &&
            aliases.Any(alias => alias.Key.EndsWith("-load", StringComparison.Ordinal))).ToList();
        Assert.Equal(6, created.Count);
        var generation = created[0].Path.Split('-')[2];
        Assert.Equal("-1", (string?)created[0].Json!["settings"]!["index"]!["refresh_interval"]);

        var bulks = fake.To(HttpMethod.Post, "_bulk").ToList();
        Assert.Equal([4, 4, 2], bulks.Select(bulk => bulk.Lines.Length));
        Assert.All(bulks, bulk => Assert.Equal("_bulk?require_alias=true", bulk.Path));
        Assert.Equal($"crm-contact-{generation}-load", (string?)bulks[0].Json!["index"]!["_index"]);
        Assert.Equal([2L, 4L, 5L], progress);

        var refresh = Assert.Single(fake.To(HttpMethod.Post, "crm-"), request => request.Path.EndsWith("/_refresh", StringComparison.Ordinal));
        var swap = Assert.Single(fake.To(HttpMethod.Post, "_aliases"));
        Assert.True(fake.Requests.IndexOf(refresh) < fake.Requests.IndexOf(swap));
        var actions = swap.Json!["actions"]!.AsArray();
        Assert.Contains(actions, action => action!.ToJsonString() == """{"remove":{"index":"crm-contact-0","alias":"crm-contact"}}""");
        Assert.Contains(actions, action => action!.ToJsonString() == "{\"add\":{\"index\":\"crm-contact-" + generation + "\",\"alias\":\"crm-contact\",\"is_write_index\":true}}");
        Assert.Equal(18, actions.Count);

        var deleted = Assert.Single(fake.To(HttpMethod.Delete, "crm-"));
        Assert.Equal(string.Join(',', SearchTypes.All.Select(type => $"crm-{type}-0")) + "?ignore_unavailable=true", deleted.Path);
    }

    [Fact]
    public async Task A_failed_rebuild_deletes_its_new_indexes_and_leaves_the_aliases_alone()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request, _ => 400));
        var backend = fake.Backend();

        await Assert.ThrowsAsync<ElasticsearchBulkException>(() =>
            backend.ReplaceAllAsync(new[] { TestDocuments.Make(Workspace, SearchTypes.Lead, "Lead") }.ToAsyncEnumerable(), null, CancellationToken.None));

        Assert.Empty(fake.To(HttpMethod.Post, "_aliases"));
        var deleted = Assert.Single(fake.To(HttpMethod.Delete, "crm-"));
        Assert.Equal(6, deleted.PathWithoutQuery.Split(',').Length);
        Assert.DoesNotContain("-0", deleted.PathWithoutQuery);
    }

    [Fact]
    public async Task Indexed_pages_through_the_workspaces_keys_and_fingerprints()
    {
        var fake = new FakeElasticsearch();
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        string Hit(Guid id) => $$"""{"_source":{"type":"contact","id":"{{id}}","fingerprint":"f-{{id}}"},"sort":["contact","{{id}}"]}""";
        fake.On(HttpMethod.Post, "crm-",
            (HttpStatusCode.OK, $$"""{"hits":{"hits":[{{Hit(ids[0])}},{{Hit(ids[1])}}]} }"""),
            (HttpStatusCode.OK, $$"""{"hits":{"hits":[{{Hit(ids[2])}}]} }"""));
        var backend = fake.Backend(options => options.IndexedPageSize = 2);

        var indexed = await backend.IndexedAsync(Workspace, CancellationToken.None).ToListAsync();

        Assert.Equal(ids.Select(id => (new SearchKey(SearchTypes.Contact, id), $"f-{id}")), indexed);
        var pages = fake.To(HttpMethod.Post, "crm-").ToList();
        Assert.Equal(2, pages.Count);
        Assert.All(pages, page => Assert.Contains($"routing={Workspace}", page.Path));
        Assert.Contains(Workspace.ToString(), pages[0].Json!["query"]!.ToJsonString());
        Assert.Null(pages[0].Json!["search_after"]);
        Assert.Equal($"""["contact","{ids[1]}"]""", pages[1].Json!["search_after"]!.ToJsonString());
    }

    [Fact]
    public async Task A_network_failure_is_retried()
    {
        var fake = new FakeElasticsearch();
        var attempts = 0;
        fake.On(HttpMethod.Post, "crm-", _ => ++attempts == 1
            ? throw new HttpRequestException("Connection refused")
            : FakeElasticsearch.Response(HttpStatusCode.OK, """{"hits":{"hits":[]}}"""));

        var results = await fake.Backend().SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None);

        Assert.Empty(results.Data);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_refused_search_fails_with_elasticsearchs_reason()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "crm-", (HttpStatusCode.BadRequest,
            """{"error":{"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}"""));

        var error = await Assert.ThrowsAsync<ElasticsearchException>(() =>
            fake.Backend().SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None));

        Assert.Equal((400, "search_phase_execution_exception"), (error.StatusCode, error.ErrorType));
        Assert.Contains("all shards failed", error.Message);
        Assert.Single(fake.To(HttpMethod.Post, "crm-"));
    }

    [Fact]
    public async Task An_alias_deleted_behind_the_backends_back_is_created_again_at_the_next_use()
    {
        var fake = new FakeElasticsearch();
        var searches = 0;
        fake.On(HttpMethod.Post, "crm-", _ => ++searches == 1
            ? FakeElasticsearch.Response(HttpStatusCode.NotFound, """{"error":{"type":"index_not_found_exception","reason":"no such index [crm-contact]"},"status":404}""")
            : FakeElasticsearch.Response(HttpStatusCode.OK, """{"hits":{"hits":[]}}"""));
        var backend = fake.Backend();

        await Assert.ThrowsAsync<ElasticsearchException>(() => backend.SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None));
        await backend.SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None);
        await backend.SearchAsync(TestDocuments.Request(Workspace, "acme"), CancellationToken.None);

        Assert.Equal(2, fake.To(HttpMethod.Put, "_index_template/").Count());
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_registered()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.False(builder.TryAddElasticsearchSearchBackend());
        Assert.DoesNotContain(builder.Services, service => service.ServiceType == typeof(ISearchBackend));
    }

    [Fact]
    public void With_a_connection_string_the_backend_is_the_search_backend_with_its_settings()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:elasticsearch"] = "http://elastic:secret@localhost:9200",
            ["Search:Elasticsearch:IndexPrefix"] = "crmtest",
            ["Search:Elasticsearch:BulkMaxDocuments"] = "100",
        });
        builder.Services.AddLogging();

        Assert.True(builder.TryAddElasticsearchSearchBackend());
        using var app = builder.Build();

        var backend = app.Services.GetRequiredService<ISearchBackend>();
        Assert.IsType<ElasticsearchSearchBackend>(backend);
        Assert.Same(backend, app.Services.GetRequiredService<ISearchBackend>());
        Assert.Equal("elasticsearch", backend.Name);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ElasticsearchSearchOptions>>().Value;
        Assert.Equal(("crmtest", 100), (options.IndexPrefix, options.BulkMaxDocuments));
    }

    [Theory]
    [InlineData("CRM")]
    [InlineData("-crm")]
    [InlineData("crm search")]
    public void An_index_prefix_Elasticsearch_would_refuse_is_refused_at_start(string prefix)
    {
        Assert.NotNull(new ElasticsearchSearchOptions { IndexPrefix = prefix }.Validate());
    }

    private sealed class SynchronousProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
