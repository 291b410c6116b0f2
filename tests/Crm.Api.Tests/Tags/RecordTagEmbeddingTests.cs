using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Deals;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Tags;

/// <summary>Contacts, companies, deals and leads embed their live tags (<c>tags: [{id, name, color}]</c>) in reads and lists.</summary>
public sealed class RecordTagEmbeddingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/v1/contacts", """{"firstName":"Ada"}""", """{"title":"CTO"}""")]
    [InlineData("/api/v1/companies", """{"name":"Acme"}""", """{"description":"Tagged"}""")]
    [InlineData("/api/v1/deals", """{"name":"Renewal"}""", """{"description":"Tagged"}""")]
    [InlineData("/api/v1/leads", """{"lastName":"Lead"}""", """{"title":"CTO"}""")]
    public async Task A_record_embeds_its_live_tags_by_name_in_get_list_patch_and_create_answers(string route, string body, string change)
    {
        var api = await RegisterAsync(factory);
        await new DealApi(api.Companies).CreateSalesPipelineAsync();
        var records = api.Companies.WithResource(route);
        var vip = await CreateIdAsync(api.Tags, new { name = "VIP", color = "#FF0000" });
        var gold = await CreateIdAsync(api.Tags, new { name = "Gold", color = "#FFD700" });
        var (created, _) = await records.CreateAsync(body);
        Assert.Empty(created.GetProperty("tags").EnumerateArray());
        var id = created.GetProperty("id").GetGuid();
        var (untagged, _) = await records.CreateAsync(body);

        await AssertStatusAsync(await records.SendAsync(HttpMethod.Put, $"/{id}/tags/{vip}"), HttpStatusCode.NoContent);
        await AssertStatusAsync(await records.SendAsync(HttpMethod.Put, $"/{id}/tags/{gold}"), HttpStatusCode.NoContent);

        var (record, etag) = await GetAsync(records, id);
        Assert.Equal([(gold, "Gold", "#FFD700"), (vip, "VIP", "#FF0000")], Tags(record));
        using (var list = await records.SendAsync(HttpMethod.Get, "/"))
        {
            var items = (await records.ReadAsync(list)).GetProperty("data").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetGuid());
            Assert.Equal(["Gold", "VIP"], Tags(items[id]).Select(t => t.Name));
            Assert.Empty(Tags(items[untagged.GetProperty("id").GetGuid()]));
        }
        using (var patch = await records.SendAsync(HttpMethod.Patch, $"/{id}", change, etag))
        {
            Assert.Equal(2, Tags(await records.ReadAsync(patch)).Count);
        }

        // A soft-deleted tag leaves every record at once.
        var (_, vipEtag) = await GetAsync(api.Tags, vip);
        await AssertStatusAsync(await api.Tags.SendAsync(HttpMethod.Delete, $"/{vip}", ifMatch: vipEtag), HttpStatusCode.NoContent);
        Assert.Equal(["Gold"], Tags((await GetAsync(records, id)).Body).Select(t => t.Name));
    }

    [Fact]
    public async Task A_list_page_loads_its_tags_in_one_query_however_many_records_it_has()
    {
        var api = await RegisterAsync(factory);
        var tags = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            tags.Add(await CreateIdAsync(api.Tags, new { name = $"Tag {i}" }));
        }
        for (var i = 0; i < 6; i++)
        {
            var contact = await CreateIdAsync(api.Contacts, new { firstName = $"Contact {i}" });
            foreach (var tag in tags.Take(i % 3 + 1))
            {
                await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Put, $"/{contact}/tags/{tag}"), HttpStatusCode.NoContent);
            }
        }

        var (oneQueries, one) = await CountTagQueriesAsync(() => PageAsync(api.Contacts, "?limit=1"));
        var (sixQueries, six) = await CountTagQueriesAsync(() => PageAsync(api.Contacts, "?limit=6"));

        Assert.Single(one.GetProperty("data").EnumerateArray());
        var counts = six.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("tags").GetArrayLength()).Order();
        Assert.Equal([1, 1, 2, 2, 3, 3], counts);
        Assert.Equal(1, oneQueries);
        Assert.Equal(1, sixQueries);
    }

    private static async Task<JsonElement> PageAsync(CompanyApi list, string query)
    {
        using var response = await list.SendAsync(HttpMethod.Get, "/" + query);
        return await list.ReadAsync(response);
    }

    /// <summary>The commands on taggings that this test's database ran while <paramref name="action"/> ran (Npgsql's activities).</summary>
    private async Task<(int Queries, T Result)> CountTagQueriesAsync<T>(Func<Task<T>> action)
    {
        var database = factory.Database.Name;
        var queries = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var texts = activity.TagObjects.Select(t => t.Value).OfType<string>().ToList();
                if (texts.Any(t => t.Contains(database, StringComparison.Ordinal)) && texts.Any(t => t.Contains("taggings", StringComparison.Ordinal)))
                {
                    Interlocked.Increment(ref queries);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var result = await action();
        return (Volatile.Read(ref queries), result);
    }

    private static List<(Guid Id, string Name, string Color)> Tags(JsonElement record) =>
    [
        .. record.GetProperty("tags").EnumerateArray()
            .Select(t => (t.GetProperty("id").GetGuid(), t.GetProperty("name").GetString()!, t.GetProperty("color").GetString()!)),
    ];
}
