using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AppHost.Local;

namespace Crm.SystemTests;

/// <summary>
/// Search across the running app: a contact created through the API is found by Crm.Search, misspelt, moments later;
/// with Crm.Search killed the API answers from PostgreSQL itself; with Redis killed too, reads and searches still work.
/// </summary>
public sealed class SearchSystemTests
{
    [Fact]
    public async Task A_record_created_through_the_API_is_findable_and_search_survives_the_search_service_and_Redis_going_down()
    {
        using var data = new TemporaryDataDirectory();
        await using var run = await AppHostRun.StartAsync(data.Path, demo: true);
        using var api = await DemoSignIn.ClientAsync(run.Addresses["CRM_API_URL"], data.Path);

        using var created = await api.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Quintessa", lastName = "Marlowe" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Written a moment ago, found misspelt once the indexer has seen the change (no fixed sleep: a deadline).
        var watch = Stopwatch.StartNew();
        var (hits, source) = await SearchUntilAsync(api, "quintesa marlow", hits => hits.Contains(id));
        Assert.Contains(id, hits);
        Assert.Equal("search-service", source);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"found after {watch.Elapsed}");

        Processes.Kill(LeftoverProcesses.Find(data.Path), "Crm.Search");
        (hits, source) = await SearchUntilAsync(api, "marlowe", hits => hits.Contains(id));
        Assert.Contains(id, hits);
        Assert.Equal("postgresql-fallback", source);

        // redis-server rewrites its process title over its environment, so it is found by its port, not the AppHost's marker.
        var redisPort = run.Addresses["CRM_REDIS"].Split(',')[0].Split(':')[1];
        Processes.Kill(Processes.All(), $"redis-server 127.0.0.1:{redisPort}");
        using var read = await api.GetAsync($"/api/v1/contacts/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        (hits, _) = await SearchUntilAsync(api, "marlowe", hits => hits.Contains(id));
        Assert.Contains(id, hits);
    }

    private static async Task<(IReadOnlyList<Guid> Hits, string? Source)> SearchUntilAsync(
        HttpClient api, string query, Func<IReadOnlyList<Guid>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await api.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(query)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var hits = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray()
                .Select(hit => hit.GetProperty("id").GetGuid()).ToList();
            var source = response.Headers.TryGetValues("X-Search-Source", out var values) ? values.Single() : null;
            if (done(hits) || DateTime.UtcNow > deadline)
            {
                return (hits, source);
            }
            await Task.Delay(200);
        }
    }
}
