using System.Net;
using Crm.Domain;
using Crm.Domain.Search;

namespace Crm.Search.Tests.Postgres;

/// <summary>
/// Crm.Search end to end on its default backend: records written in the database reach the index through the outbox
/// and are found as users type them, misspelt or half-typed, only in their own workspace.
/// </summary>
public sealed class PostgresSearchTests(SearchServiceFactory search) : IClassFixture<SearchServiceFactory>
{
    [Fact]
    public async Task A_misspelt_name_finds_the_person_and_three_letters_find_the_company()
    {
        var (john, acme) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"""
            INSERT INTO companies (id, workspace_id, name, domain) VALUES ('{acme}', '{search.WorkspaceA}', 'Acme Corp', 'acme.example');
            INSERT INTO contacts (id, workspace_id, first_name, last_name, email, company_id)
                VALUES ('{john}', '{search.WorkspaceA}', 'John', 'Smith', 'john.smith@acme.example', '{acme}');
            """);

        var people = await search.SearchUntilAsync(search.WorkspaceA, "q=jonh+smtih", r => r.Data.Any(h => h.Id == john));
        var hit = people.Data.First(h => h.Id == john);
        Assert.Equal(("contact", "John Smith", "Acme Corp"), (hit.Type, hit.Title, hit.Subtitle));
        Assert.Contains("<mark>John</mark> <mark>Smith</mark>", hit.Highlights);

        var companies = await search.SearchAsync(search.WorkspaceA, "q=acm");
        Assert.Equal(acme, companies.Data[0].Id);
        Assert.Contains(companies.Data, h => h.Id == john); // its company's name is one of the contact's keywords
        Assert.Contains(companies.Facets["type"], f => f is { Value: "company", Count: >= 1 });
    }

    [Fact]
    public async Task Another_workspace_records_never_appear()
    {
        var (mine, theirs) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES ('{mine}', '{search.WorkspaceA}', 'Quillon', 'Verity')");
        await search.ExecuteAsync(search.WorkspaceB, $"INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES ('{theirs}', '{search.WorkspaceB}', 'Quillon', 'Verity')");

        var a = await search.SearchUntilAsync(search.WorkspaceA, "q=quillon", r => r.Data.Count > 0);
        var b = await search.SearchUntilAsync(search.WorkspaceB, "q=quillon", r => r.Data.Count > 0);

        Assert.Equal([mine], a.Data.Select(h => h.Id));
        Assert.Equal([theirs], b.Data.Select(h => h.Id));
    }

    [Fact]
    public async Task The_search_function_refuses_a_workspace_other_than_the_session_one()
    {
        var theirs = Guid.CreateVersion7();
        await search.ExecuteAsync(search.WorkspaceB, $"INSERT INTO contacts (id, workspace_id, first_name) VALUES ('{theirs}', '{search.WorkspaceB}', 'Zephyrine')");
        await search.SearchUntilAsync(search.WorkspaceB, "q=zephyrine", r => r.Data.Count == 1);

        await using var connection = await search.Database.DataSource.OpenConnectionAsync();
        await new Crm.Domain.Tenancy.TenantSession(search.WorkspaceA, null).ApplyAsync(connection);
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT count(*) FROM crm_search_documents('{search.WorkspaceB}', 'zephyrine', 'zephyrine', '{{}}', NULL, NULL, '{{}}', NULL)", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
        // Nor does row-level security let the session read the other workspace's index rows directly.
        command.CommandText = $"SELECT count(*) FROM search_documents WHERE id = '{theirs}'";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Filters_and_facets_by_type_owner_stage_and_tags()
    {
        var (pipeline, stage, deal, lead, tag) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"""
            INSERT INTO pipelines (id, workspace_id, name) VALUES ('{pipeline}', '{search.WorkspaceA}', 'Sales');
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, default_probability)
                VALUES ('{stage}', '{search.WorkspaceA}', '{pipeline}', 'Negotiation', 1, 60);
            INSERT INTO deals (id, workspace_id, name, value, probability, pipeline_id, stage_id, owner_id)
                VALUES ('{deal}', '{search.WorkspaceA}', 'Borealis renewal', 12000, 60, '{pipeline}', '{stage}', '{search.UserA}');
            INSERT INTO leads (id, workspace_id, first_name, last_name, company_name, owner_id)
                VALUES ('{lead}', '{search.WorkspaceA}', 'Mira', 'Borealis', 'Borealis Ltd', '{search.UserB}');
            INSERT INTO tags (id, workspace_id, name) VALUES ('{tag}', '{search.WorkspaceA}', 'vip');
            INSERT INTO taggings (id, workspace_id, tag_id, entity_type, entity_id) VALUES ('{Guid.CreateVersion7()}', '{search.WorkspaceA}', '{tag}', 'lead', '{lead}');
            """);

        var all = await search.SearchUntilAsync(search.WorkspaceA, "q=borealis", r => r.Data.Count == 2 && r.Facets.ContainsKey("tags"));
        Assert.Equal([("deal", 1L), ("lead", 1L)], all.Facets["type"].Select(f => (f.Value, f.Count)).Order());
        Assert.Contains(all.Facets["stage"], f => f.Value == stage.ToString() && f.Count == 1);
        Assert.Contains(all.Facets["owner"], f => f.Value == search.UserB.ToString() && f.Count == 1);
        Assert.Equal([new SearchFacetValue("vip", 1)], all.Facets["tags"]);
        Assert.Matches(@"^12,000 [A-Z]{3} · Negotiation$", all.Data.Single(h => h.Id == deal).Subtitle);

        Assert.Equal([deal], (await search.SearchAsync(search.WorkspaceA, "q=borealis&types=deal")).Data.Select(h => h.Id));
        Assert.Equal([deal], (await search.SearchAsync(search.WorkspaceA, $"q=borealis&filter[stage]={stage}")).Data.Select(h => h.Id));
        Assert.Equal([lead], (await search.SearchAsync(search.WorkspaceA, "q=borealis&filter[tags]=vip")).Data.Select(h => h.Id));
        Assert.Equal([lead], (await search.SearchAsync(search.WorkspaceA, $"q=borealis&filter[owner]={search.UserB}")).Data.Select(h => h.Id));
        // Record scope: a caller who sees only user A's records does not get user B's lead, nor its facet counts.
        var scoped = await search.SearchAsync(search.WorkspaceA, $"q=borealis&owners={search.UserA}");
        Assert.Equal([deal], scoped.Data.Select(h => h.Id));
        Assert.DoesNotContain("tags", scoped.Facets.Keys);
    }

    [Fact]
    public async Task Highlights_escape_the_record_text()
    {
        var company = Guid.CreateVersion7();
        await search.ExecuteAsync(search.WorkspaceA,
            $"INSERT INTO companies (id, workspace_id, name) VALUES ('{company}', '{search.WorkspaceA}', '<script>alert(1)</script> Xylotech & Sons')");

        var results = await search.SearchUntilAsync(search.WorkspaceA, "q=xylotech", r => r.Data.Count == 1);

        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt; <mark>Xylotech</mark> &amp; Sons", Assert.Single(results.Data[0].Highlights));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_repeats_or_gaps_and_a_garbled_cursor_is_a_400()
    {
        var values = string.Join(", ", Enumerable.Range(1, 25).Select(i => $"('{Guid.CreateVersion7()}', '{search.WorkspaceA}', 'Pagella', 'Number{i}')"));
        await search.ExecuteAsync(search.WorkspaceA, $"INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES {values}");
        await search.SearchUntilAsync(search.WorkspaceA, "q=pagella&limit=50", r => r.Data.Count == 25);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await search.SearchAsync(search.WorkspaceA, "q=pagella&limit=10" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.Data.Select(h => h.Id));
            Assert.Equal(page.HasMore, page.NextCursor is not null);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());

        var garbled = await search.CreateServiceClient().GetAsync(SearchServiceFactory.SearchUri(search.WorkspaceA, "q=pagella&cursor=not-a-cursor"));
        Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0123456789abcdef")]
    public async Task A_caller_without_the_service_key_gets_a_401_and_no_records(string? key)
    {
        var client = search.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ServiceKey.Search.HeaderName, key);
        }

        using var response = await client.GetAsync(SearchServiceFactory.SearchUri(search.WorkspaceA, "q=a"));
        using var rebuild = await client.PostAsync("/index/rebuild", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, rebuild.StatusCode);
    }

    [Theory]
    [InlineData("q=")]
    [InlineData("q=acme&limit=0")]
    [InlineData("q=acme&types=invoice")]
    [InlineData("q=acme&filter[owner]=me")]
    [InlineData("q=acme&owners=")]
    public async Task Bad_queries_are_a_400_problem(string query)
    {
        var response = await search.CreateServiceClient().GetAsync(SearchServiceFactory.SearchUri(search.WorkspaceA, query));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Changes_reach_the_index_deletes_remove_and_a_company_rename_updates_its_contacts()
    {
        var (company, contact, note) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"""
            INSERT INTO companies (id, workspace_id, name) VALUES ('{company}', '{search.WorkspaceA}', 'Oldname Industries');
            INSERT INTO contacts (id, workspace_id, first_name, last_name, company_id) VALUES ('{contact}', '{search.WorkspaceA}', 'Ilse', 'Renamer', '{company}');
            INSERT INTO notes (id, workspace_id, content, contact_id) VALUES ('{note}', '{search.WorkspaceA}', 'Discussed the vanadium order', '{contact}');
            """);
        await search.SearchUntilAsync(search.WorkspaceA, "q=vanadium", r => r.Data.Any(h => h.Id == note));
        await search.SearchUntilAsync(search.WorkspaceA, "q=renamer", r => r.Data.Any(h => h.Subtitle == "Oldname Industries"));

        await search.ExecuteAsync(search.WorkspaceA, $"""
            UPDATE companies SET name = 'Newname Industries' WHERE id = '{company}';
            UPDATE notes SET deleted_at = now() WHERE id = '{note}';
            """);

        var renamed = await search.SearchUntilAsync(search.WorkspaceA, "q=renamer", r => r.Data.Any(h => h.Subtitle == "Newname Industries"));
        Assert.Equal(contact, Assert.Single(renamed.Data).Id);
        await search.SearchUntilAsync(search.WorkspaceA, "q=vanadium", r => r.Data.Count == 0);
    }

    [Fact]
    public async Task A_renamed_tag_is_renamed_in_the_documents_it_is_on()
    {
        var (company, tag) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"""
            INSERT INTO companies (id, workspace_id, name) VALUES ('{company}', '{search.WorkspaceA}', 'Tagalong Freight');
            INSERT INTO tags (id, workspace_id, name) VALUES ('{tag}', '{search.WorkspaceA}', 'prospect');
            INSERT INTO taggings (id, workspace_id, tag_id, entity_type, entity_id) VALUES ('{Guid.CreateVersion7()}', '{search.WorkspaceA}', '{tag}', 'company', '{company}');
            """);
        await search.SearchUntilAsync(search.WorkspaceA, "q=tagalong&filter[tags]=prospect", r => r.Data.Count == 1);

        await search.ExecuteAsync(search.WorkspaceA, $"UPDATE tags SET name = 'customer' WHERE id = '{tag}'");

        var renamed = await search.SearchUntilAsync(search.WorkspaceA, "q=tagalong&filter[tags]=customer", r => r.Data.Count == 1);
        Assert.Equal([new SearchFacetValue("customer", 1)], renamed.Facets["tags"]);
        Assert.Empty((await search.SearchAsync(search.WorkspaceA, "q=tagalong&filter[tags]=prospect")).Data);
    }
}
