using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AppHost.Local;
using Xunit.Abstractions;

namespace Crm.SystemTests;

/// <summary>
/// Redis stopped under the running app (SIGTERM, as a stopped container or <c>redis-cli shutdown</c>), with Crm.Search
/// up: the API keeps answering from PostgreSQL — a cached record read and changed, lists, the board, create and
/// delete, sign-in and token refresh (rate limits are not enforced meanwhile), search — with no 5xx at all; and the
/// API, Crm.Search and Crm.AiWorker report Degraded (200), not Unhealthy, because for them Redis is an accelerator;
/// the web, whose sign-in sessions live in Redis, reports Unhealthy.
/// (SearchSystemTests searches with Crm.Search and Redis both gone.) A run of its own: nothing brings Redis back.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_Redis_stopped_the_API_still_reads_writes_signs_in_and_searches_and_reports_itself_degraded()
    {
        using var data = new TemporaryDataDirectory();
        await using var run = await AppHostRun.StartAsync(data.Path, demo: true);
        var apiUrl = run.Addresses["CRM_API_URL"];
        using var api = await DemoSignIn.ClientAsync(apiUrl, data.Path);
        using var anonymous = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(30) };
        var statuses = new List<(string Request, HttpStatusCode Status)>();

        // A contact read once while Redis is up, so that a cache entry for it exists when Redis goes.
        using var created = await api.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Odalys", lastName = "Penhallow", title = "Buyer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await api.GetAsync($"/api/v1/contacts/{id}")).Dispose();

        // redis-server rewrites its process title over its environment, so it is found by its port, not the AppHost's marker.
        var redisPort = run.Addresses["CRM_REDIS"].Split(',')[0].Split(':')[1];
        var redis = Processes.Find(Processes.All(), $"redis-server 127.0.0.1:{redisPort}");
        using (var redisProcess = System.Diagnostics.Process.GetProcessById(redis))
        {
            Assert.Equal(0, ChildProcess.Kill(redis, (int)PosixSignalNumber.Terminate));
            await redisProcess.WaitForExitAsync();
        }

        async Task<JsonElement> SendAsync(string name, HttpStatusCode expected, Func<Task<HttpResponseMessage>> request)
        {
            using var response = await request();
            statuses.Add((name, response.StatusCode));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{name}: {response.StatusCode} {body}");
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }

        // Reads: the cached contact, lists with a filter and a sort, pipelines and a board.
        using (var read = await api.GetAsync($"/api/v1/contacts/{id}"))
        {
            statuses.Add(("read a cached contact", read.StatusCode));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);

            // Writes: the cached contact changed (its ETag from the read), and read again: the change, not the entry.
            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/contacts/{id}")
            {
                Content = new StringContent("""{"title": "Head of purchasing"}""", MediaTypeHeaderValue.Parse("application/merge-patch+json")),
            };
            patch.Headers.IfMatch.Add(read.Headers.ETag!);
            await SendAsync("change it", HttpStatusCode.OK, () => api.SendAsync(patch));
        }
        var reread = await SendAsync("read it again", HttpStatusCode.OK, () => api.GetAsync($"/api/v1/contacts/{id}"));
        Assert.Equal("Head of purchasing", reread.GetProperty("title").GetString());
        var list = await SendAsync("list contacts", HttpStatusCode.OK, () => api.GetAsync("/api/v1/contacts?filter[lastName]=Penhallow&sort=-createdAt&limit=10"));
        Assert.Contains(list.GetProperty("data").EnumerateArray(), contact => contact.GetProperty("id").GetGuid() == id);
        var pipelines = await SendAsync("list pipelines", HttpStatusCode.OK, () => api.GetAsync("/api/v1/pipelines"));
        var pipeline = pipelines.GetProperty("data")[0].GetProperty("id").GetGuid();
        await SendAsync("read a pipeline", HttpStatusCode.OK, () => api.GetAsync($"/api/v1/pipelines/{pipeline}"));
        await SendAsync("read its board", HttpStatusCode.OK, () => api.GetAsync($"/api/v1/pipelines/{pipeline}/board"));

        // Create and delete.
        var other = await SendAsync("create a contact", HttpStatusCode.Created,
            () => api.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Tamsin", lastName = "Quillfeather" }));
        var otherId = other.GetProperty("id").GetGuid();
        await SendAsync("create a lead", HttpStatusCode.Created, () => api.PostAsJsonAsync("/api/v1/leads", new { companyName = "Quillfeather Ltd" }));
        using (var toDelete = await api.GetAsync($"/api/v1/contacts/{otherId}"))
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/contacts/{otherId}"))
        {
            statuses.Add(("read the new contact", toDelete.StatusCode));
            delete.Headers.IfMatch.Add(toDelete.Headers.ETag!);
            await SendAsync("delete the contact", HttpStatusCode.NoContent, () => api.SendAsync(delete));
        }
        await SendAsync("read the deleted contact", HttpStatusCode.NotFound, () => api.GetAsync($"/api/v1/contacts/{otherId}"));

        // Sign-in, refresh (rotating the refresh token) and a request with the new access token.
        var password = await DemoSignIn.PasswordAsync(data.Path);
        var login = await SendAsync("sign in", HttpStatusCode.OK,
            () => anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = DemoLogin.DefaultEmail, password }));
        var refreshed = await SendAsync("refresh", HttpStatusCode.OK,
            () => anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() }));
        Assert.NotEqual(login.GetProperty("refreshToken").GetString(), refreshed.GetProperty("refreshToken").GetString());
        using (var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me"))
        {
            me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.GetProperty("accessToken").GetString());
            await SendAsync("who am I, refreshed", HttpStatusCode.OK, () => anonymous.SendAsync(me));
        }

        // Search: the change made while Redis is down is indexed and found through Crm.Search (nothing cached in between).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = await SendAsync("search", HttpStatusCode.OK, () => api.GetAsync("/api/v1/search?q=penhallow+purchasing"));
            if (found.GetProperty("data").EnumerateArray().Any(hit => hit.GetProperty("id").GetGuid() == id))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "The contact changed while Redis was down was not found by search within 60 s");
            await Task.Delay(200);
        }

        // Health: Redis is reported, as Degraded, by the services that can do without it; the web needs it for sign-in sessions.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var health = new Dictionary<string, string>();
        foreach (var service in new[] { "api", "search", "aiworker", "web" })
        {
            using var response = await http.GetAsync($"{run.Addresses[$"CRM_{service.ToUpperInvariant()}_URL"]}/health");
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            var redisCheck = report.GetProperty("checks").EnumerateArray().SingleOrDefault(check => check.GetProperty("name").GetString() == "redis");
            health[service] = $"{(int)response.StatusCode} {report.GetProperty("status").GetString()}" +
                              (redisCheck.ValueKind == JsonValueKind.Object ? $" (redis: {redisCheck.GetProperty("status").GetString()})" : "");
        }

        output.WriteLine($"with Redis stopped: {statuses.Count} requests, {statuses.Count(s => (int)s.Status >= 500)} 5xx: " +
                         string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{g.Count()} × {(int)g.Key}")));
        output.WriteLine($"health: {string.Join("; ", health.Select(h => $"{h.Key} {h.Value}"))}");
        Assert.DoesNotContain(statuses, s => (int)s.Status >= 500);
        foreach (var service in new[] { "api", "search", "aiworker" })
        {
            Assert.Equal("200 Degraded (redis: Degraded)", health[service]);
        }
        // The web cannot check a signed-in browser's session without Redis: it says so.
        Assert.Equal("503 Unhealthy (redis: Unhealthy)", health["web"]);
    }
}
