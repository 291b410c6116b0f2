using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace Crm.SystemTests;

/// <summary>
/// The reliability suite (issue #7) against the app as README's run command starts it: Crm.Search and Crm.AiWorker
/// killed with SIGKILL in the middle of their work and started again lose no change and apply none twice; PostgreSQL
/// restarted under the running services, they come back by themselves. Each test prints its counts. Redis going away
/// is <see cref="RedisOutageTests"/>: it needs a run of its own, since nothing brings Redis back.
/// </summary>
/// <remarks>
/// The bursts go in through the product's own import path (a CSV upload, written 1,000 rows per transaction by the
/// API's import worker), so they reach the services as they would in production: as outbox events, relayed in commit
/// order and handed to each consumer in batches of up to 500. Every wait has a deadline (<see cref="ReliabilityRun.Deadline"/>)
/// and no test sleeps a fixed time.
/// </remarks>
public sealed class ReliabilityTests(ReliabilityRun app, ITestOutputHelper output) : IClassFixture<ReliabilityRun>
{
    private const int Contacts = 3_000;
    private const int Leads = 2_000;

    private static readonly string[] Industries = ["Software", "Manufacturing", "Healthcare", "Logistics", "Retail"];
    private static readonly string[] InterestLevels = ["low", "medium", "high", "very_high"];
    private static readonly string[] PainPoints =
    [
        "Slow manual reporting across regional sales teams",
        "Customer data scattered over spreadsheets and email",
        "Long onboarding of new warehouse staff",
        "Missed renewals because nobody tracks contract dates",
    ];

    [Fact]
    public async Task Crm_Search_killed_mid_indexing_and_restarted_has_every_record_in_the_index_exactly_once()
    {
        await app.WaitForConsumersAsync("search");
        var launch = app.Launch("Crm.Search");
        var marker = Marker();
        var csv = new StringBuilder("firstName,lastName,email,title,department\n");
        for (var i = 1; i <= Contacts; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Person{i},{marker},{marker}.{i}@reliability.example,Account manager,Sales\n");
        }
        var job = await app.StartImportAsync("contacts", csv.ToString());

        // Killed as soon as the indexer has written part of the burst: some batches done, others not yet, one perhaps
        // written but its cursor not moved.
        await app.WaitUntilAsync("the first contacts of the burst indexed", async () => await IndexedAsync(marker) > 0, pollMilliseconds: 10);
        app.KillAndRestart(launch);
        var recovery = Stopwatch.StartNew();
        var indexedAtKill = await IndexedAsync(marker);
        Assert.True(indexedAtKill < Contacts, $"Crm.Search had indexed all {Contacts} contacts before it was killed: the test proves nothing");

        Assert.Equal(Contacts, await app.WaitForImportAsync(job));
        var last = await app.WaitForConsumersAsync("search");
        var caughtUp = recovery.Elapsed;

        // The index against the database: the burst's contacts, and every contact of the workspace.
        var records = await app.ScalarAsync<long>(
            "SELECT count(*) FROM contacts WHERE workspace_id = @workspace AND last_name = @marker AND deleted_at IS NULL", ("marker", marker));
        var documents = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM search_documents d JOIN contacts c ON c.id = d.id
            WHERE d.workspace_id = @workspace AND d.type = 'contact' AND c.last_name = @marker
            """, ("marker", marker));
        var missing = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM contacts c WHERE c.workspace_id = @workspace AND c.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.workspace_id = c.workspace_id AND d.type = 'contact' AND d.id = c.id)
            """);
        var orphaned = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM search_documents d WHERE d.workspace_id = @workspace AND d.type = 'contact'
              AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = d.id AND c.deleted_at IS NULL)
            """);

        // What users get: every page of a search for the burst, through the API and the restarted Crm.Search.
        var hits = await SearchAllPagesAsync(marker);
        var expected = await IdsAsync("SELECT id FROM contacts WHERE workspace_id = @workspace AND last_name = @marker AND deleted_at IS NULL", marker);

        // And Crm.Search's own consistency check over every type: missing, stale (changed but not re-indexed), orphaned.
        var check = await IndexCheckAsync();

        output.WriteLine($"contacts imported: {records}; indexed when Crm.Search was killed: {indexedAtKill}; caught up {caughtUp.TotalSeconds:0.0} s after the restart, at position {last}");
        output.WriteLine($"documents of the burst: {documents}; contacts without a document: {missing}; documents without a contact: {orphaned}");
        output.WriteLine($"API search: {hits.Count} hits, {hits.Distinct().Count()} distinct, {expected.Except(hits).Count()} missing, {hits.Except(expected).Count()} unexpected");
        output.WriteLine($"index check: {check}");

        Assert.Equal(Contacts, records);
        Assert.Equal(Contacts, documents);
        Assert.Equal(0, missing);
        Assert.Equal(0, orphaned);
        Assert.Equal(Contacts, hits.Count);
        Assert.Equal(hits.Count, hits.Distinct().Count());
        Assert.Equal(expected.Order(), hits.Order());
        Assert.True(check.GetProperty("inSync").GetBoolean(), check.ToString());
    }

    [Fact]
    public async Task Crm_AiWorker_killed_mid_work_and_restarted_scores_and_embeds_every_lead_exactly_once()
    {
        var since = DateTimeOffset.UtcNow;
        await app.WaitForConsumersAsync("lead-scoring", "embeddings");
        var launch = app.Launch("Crm.AiWorker");
        var marker = Marker();
        // The demo workspace has no scoring rules, so every new lead would score 0 and no score would change: three
        // rules that part of the burst meets give scores, and score history rows, to check.
        foreach (var (field, @operator, value, points) in new[]
                 { ("decisionMaker", "equals", "true", 20), ("interestLevel", "in", "high,very_high", 30), ("industry", "equals", "Software", 15) })
        {
            using var rule = await app.Api.PostAsJsonAsync("/api/v1/lead-scoring-rules",
                new { name = $"{field} {marker}", ruleType = "demographic", field, @operator, value, points });
            Assert.True(rule.StatusCode == HttpStatusCode.Created, await rule.Content.ReadAsStringAsync());
        }
        var csv = new StringBuilder("firstName,lastName,email,companyName,title,industry,painPoints,interestLevel,decisionMaker\n");
        for (var i = 1; i <= Leads; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"Lead{i},{marker},{marker}.{i}@reliability.example,Company {i % 97},Operations director,{Industries[i % Industries.Length]}," +
                $"{PainPoints[i % PainPoints.Length]},{InterestLevels[i % InterestLevels.Length]},{(i % 3 == 0 ? "true" : "false")}\n");
        }
        var job = await app.StartImportAsync("leads", csv.ToString());

        // Killed once both of its consumers have done part of the burst.
        await app.WaitUntilAsync("the first leads of the burst scored and embedded",
            async () => await ScoredAsync(marker) > 0 && await EmbeddedAsync(marker) > 0, pollMilliseconds: 10);
        app.KillAndRestart(launch);
        var recovery = Stopwatch.StartNew();
        var (scoredAtKill, embeddedAtKill) = (await ScoredAsync(marker), await EmbeddedAsync(marker));
        Assert.True(scoredAtKill < Leads || embeddedAtKill < Leads,
            $"Crm.AiWorker had scored and embedded all {Leads} leads before it was killed: the test proves nothing");

        Assert.Equal(Leads, await app.WaitForImportAsync(job));
        var last = await app.WaitForConsumersAsync("lead-scoring", "embeddings");
        var caughtUp = recovery.Elapsed;

        var leads = await app.ScalarAsync<long>(
            "SELECT count(*) FROM leads WHERE workspace_id = @workspace AND last_name = @marker AND deleted_at IS NULL", ("marker", marker));
        // One current score per lead (ai_predictions), none missing, none twice; the lead's own column agrees with it.
        var withoutOneScore = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM leads l WHERE l.workspace_id = @workspace AND l.last_name = @marker
              AND (SELECT count(*) FROM ai_predictions p WHERE p.workspace_id = l.workspace_id AND p.entity_type = 'lead'
                     AND p.entity_id = l.id AND p.prediction_type = 'lead_score') <> 1
            """, ("marker", marker));
        var columnDisagrees = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM leads l JOIN ai_predictions p ON p.workspace_id = l.workspace_id AND p.entity_type = 'lead'
              AND p.entity_id = l.id AND p.prediction_type = 'lead_score'
            WHERE l.workspace_id = @workspace AND l.last_name = @marker AND p.score <> l.score
            """, ("marker", marker));
        // The score history tells each change once: every row starts where the one before it ended (a change written
        // twice would start from its own end), no row changes nothing, and the last one ends at the lead's score.
        var history = await app.ScalarAsync<long>(
            "SELECT count(*) FROM lead_score_history h JOIN leads l ON l.id = h.lead_id WHERE l.last_name = @marker", ("marker", marker));
        var brokenHistory = await app.ScalarAsync<long>(
            """
            WITH h AS (
                SELECT h.old_score, h.new_score, l.score,
                       lag(h.new_score, 1, 0) OVER (PARTITION BY h.lead_id ORDER BY h.changed_at, h.id) AS previous,
                       row_number() OVER (PARTITION BY h.lead_id ORDER BY h.changed_at DESC, h.id DESC) AS from_last
                FROM lead_score_history h JOIN leads l ON l.workspace_id = h.workspace_id AND l.id = h.lead_id
                WHERE l.workspace_id = @workspace AND l.last_name = @marker)
            SELECT count(*) FROM h WHERE old_score <> previous OR old_score = new_score OR (from_last = 1 AND new_score <> score)
            """, ("marker", marker));
        // One vector per lead, of the one current model; none left for a record that is gone.
        var withoutEmbedding = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM leads l WHERE l.workspace_id = @workspace AND l.last_name = @marker
              AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.workspace_id = l.workspace_id AND e.entity_type = 'lead' AND e.entity_id = l.id)
            """, ("marker", marker));
        var models = await app.ScalarAsync<long>("SELECT count(DISTINCT model) FROM embeddings WHERE workspace_id = @workspace");
        var orphanedEmbeddings = await app.ScalarAsync<long>(
            """
            SELECT count(*) FROM embeddings e WHERE e.workspace_id = @workspace AND e.entity_type = 'lead'
              AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = e.entity_id AND l.deleted_at IS NULL)
            """);
        // No operation left half-done: nothing claimed and never finished, nothing failed since the test began.
        var unfinished = await app.ScalarAsync<long>("SELECT count(*) FROM ai_tasks WHERE status = 'processing'");
        var failed = await app.ScalarAsync<long>("SELECT count(*) FROM ai_tasks WHERE status = 'failed' AND created_at >= @since", ("since", since));

        var scoredAboveZero = await app.ScalarAsync<long>(
            "SELECT count(*) FROM leads WHERE workspace_id = @workspace AND last_name = @marker AND score > 0", ("marker", marker));
        output.WriteLine($"leads imported: {leads}, {scoredAboveZero} of them scored above 0; when Crm.AiWorker was killed: {scoredAtKill} scored, {embeddedAtKill} embedded; " +
                         $"caught up {caughtUp.TotalSeconds:0.0} s after the restart, at position {last}");
        output.WriteLine($"leads without exactly one score: {withoutOneScore}; score column disagreeing: {columnDisagrees}; " +
                         $"score history rows: {history}, broken: {brokenHistory}");
        output.WriteLine($"leads without an embedding: {withoutEmbedding}; embedding models: {models}; orphaned embeddings: {orphanedEmbeddings}; " +
                         $"AI tasks left processing: {unfinished}, failed: {failed}");

        Assert.Equal(Leads, leads);
        Assert.Equal(0, withoutOneScore);
        Assert.Equal(0, columnDisagrees);
        Assert.Equal(0, brokenHistory);
        Assert.True(history >= scoredAboveZero && scoredAboveZero > 0, $"{scoredAboveZero} leads scored above 0, {history} score history rows");
        Assert.Equal(0, withoutEmbedding);
        Assert.Equal(1, models);
        Assert.Equal(0, orphanedEmbeddings);
        Assert.Equal(0, unfinished);
        Assert.Equal(0, failed);
    }

    /// <summary>
    /// What is restarted: PostgreSQL's server processes, not its postmaster. One backend is killed with SIGKILL; the
    /// postmaster then ends every other connection (it cannot trust the shared memory a crashed backend may have left
    /// half-written), reinitialises shared memory, runs crash recovery from the WAL and accepts connections again, on
    /// the same port. To the services that is a database restart: every connection they hold dies at once, and new
    /// ones are refused until recovery ends. (The postmaster itself is not restarted because the local AppHost treats
    /// its PostgreSQL process exiting as fatal and stops the run.)
    /// </summary>
    [Fact]
    public async Task After_PostgreSQL_restarts_under_them_the_services_recover_by_themselves()
    {
        string[] services = ["api", "search", "aiworker"];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Healthy before the restart (waited for: a test before this one may have just restarted a service).
        foreach (var service in services)
        {
            await app.WaitUntilAsync($"{service} healthy before the restart", async () => await HealthAsync(http, service) == "Healthy");
        }

        var unpooled = new NpgsqlConnectionStringBuilder(app.Run.Addresses["CRM_POSTGRES_OWNER"]) { Pooling = false }.ConnectionString;
        await using var victim = new NpgsqlConnection(unpooled);
        await victim.OpenAsync();
        var backend = (int)(await new NpgsqlCommand("SELECT pg_backend_pid()", victim).ExecuteScalarAsync())!;
        await using var bystander = new NpgsqlConnection(unpooled);
        await bystander.OpenAsync();

        Processes.Kill(backend);
        var restart = Stopwatch.StartNew();

        // The API while it comes back: every answer counted; errors are expected until the database is back.
        var answers = new Dictionary<int, int>();
        var apiBack = await app.WaitUntilAsync("the API reads contacts again", async () =>
        {
            var status = await StatusAsync(() => app.Api.GetAsync("/api/v1/contacts?limit=1"));
            answers[status] = answers.GetValueOrDefault(status) + 1;
            return status == 200;
        });
        var healthy = new Dictionary<string, TimeSpan>();
        foreach (var service in services)
        {
            await app.WaitUntilAsync($"{service} healthy again", async () => await HealthAsync(http, service) == "Healthy");
            healthy[service] = restart.Elapsed;
        }

        // It was a restart: the idle connection held across it is gone, and PostgreSQL says it reinitialised.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => new NpgsqlCommand("SELECT 1", bystander).ExecuteScalarAsync());
        Assert.Contains("all server processes terminated; reinitializing", app.Run.Output);

        // Each service listens for outbox notifications again (its listener reconnected rather than leaving it to polling).
        var listening = await app.WaitUntilAsync("every service listening for outbox notifications", async () =>
            await app.ScalarAsync<long>(
                """
                SELECT count(DISTINCT application_name) FROM pg_stat_activity
                WHERE application_name IN ('Crm.Api', 'Crm.Search', 'Crm.AiWorker') AND query LIKE 'LISTEN crm_outbox%'
                """) == 3);

        // Real work afterwards: a write, read back and listed; found by search through Crm.Search; a lead scored and
        // embedded by Crm.AiWorker. Then a run of requests with no error (no dead pooled connection left to fail one).
        var marker = Marker();
        using var created = await app.Api.PostAsJsonAsync("/api/v1/contacts", new { firstName = "Restart", lastName = marker });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var contact = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var found = await app.WaitUntilAsync("the new contact found through Crm.Search", async () =>
        {
            using var response = await app.Api.GetAsync($"/api/v1/search?q={marker}&types=contact");
            return response.StatusCode == HttpStatusCode.OK &&
                   response.Headers.GetValues("X-Search-Source").Single() == "search-service" &&
                   (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray().Any(hit => hit.GetProperty("id").GetGuid() == contact);
        }, pollMilliseconds: 250);
        using var lead = await app.Api.PostAsJsonAsync("/api/v1/leads",
            new { firstName = "Restart", lastName = marker, companyName = "Northwind", industry = "Logistics", painPoints = "Slow manual reporting" });
        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
        var leadId = (await lead.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var aiDone = await app.WaitUntilAsync("the new lead scored and embedded", async () =>
            await app.ScalarAsync<long>(
                """
                SELECT (SELECT count(*) FROM ai_predictions WHERE entity_id = @lead AND prediction_type = 'lead_score')
                     * (SELECT count(*) FROM embeddings WHERE entity_type = 'lead' AND entity_id = @lead)
                """, ("lead", leadId)) == 1);

        var afterwards = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            afterwards.Add(await StatusAsync(() => app.Api.GetAsync($"/api/v1/contacts/{contact}")));
            afterwards.Add(await StatusAsync(() => app.Api.GetAsync($"/api/v1/contacts?filter[lastName]={marker}")));
            afterwards.Add(await StatusAsync(() => app.Api.PostAsJsonAsync("/api/v1/notes", new { content = $"After the restart {i}", contactId = contact })));
        }

        output.WriteLine($"API answers while PostgreSQL restarted: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Value} × {a.Key}"))}; " +
                         $"reading again after {apiBack.TotalSeconds:0.0} s");
        output.WriteLine($"healthy again after: {string.Join(", ", healthy.Select(h => $"{h.Key} {h.Value.TotalSeconds:0.0} s"))}; " +
                         $"all listening {listening.TotalSeconds:0.0} s later");
        output.WriteLine($"afterwards: a new contact found by search in {found.TotalSeconds:0.0} s, a new lead scored and embedded in {aiDone.TotalSeconds:0.0} s; " +
                         $"{afterwards.Count} more requests: {string.Join(", ", afterwards.GroupBy(s => s).Select(g => $"{g.Count()} × {g.Key}"))}");
        // The database being away is the server's temporary trouble, not a bug in the request or the code: 503 with
        // Retry-After, never 500.
        Assert.All(answers.Keys, status => Assert.Contains(status, new[] { 200, 503 }));
        Assert.All(afterwards, status => Assert.InRange(status, 200, 299));
    }

    private async Task<string?> HealthAsync(HttpClient http, string service)
    {
        try
        {
            using var response = await http.GetAsync($"{app.Run.Addresses[$"CRM_{service.ToUpperInvariant()}_URL"]}/health");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
        }
        catch (HttpRequestException)
        {
            return null; // not listening (yet)
        }
    }

    private static async Task<int> StatusAsync(Func<Task<HttpResponseMessage>> request)
    {
        using var response = await request();
        return (int)response.StatusCode;
    }

    private Task<long> IndexedAsync(string marker) => app.ScalarAsync<long>(
        "SELECT count(*) FROM search_documents WHERE workspace_id = @workspace AND type = 'contact' AND title LIKE @title", ("title", $"% {marker}"));

    private Task<long> ScoredAsync(string marker) => app.ScalarAsync<long>(
        """
        SELECT count(*) FROM ai_predictions p JOIN leads l ON l.id = p.entity_id
        WHERE p.workspace_id = @workspace AND p.prediction_type = 'lead_score' AND l.last_name = @marker
        """, ("marker", marker));

    private Task<long> EmbeddedAsync(string marker) => app.ScalarAsync<long>(
        """
        SELECT count(*) FROM embeddings e JOIN leads l ON l.id = e.entity_id
        WHERE e.workspace_id = @workspace AND e.entity_type = 'lead' AND l.last_name = @marker
        """, ("marker", marker));

    private async Task<List<Guid>> IdsAsync(string sql, string marker)
    {
        await using var command = app.Database.CreateCommand(sql);
        command.Parameters.AddWithValue("workspace", app.WorkspaceId);
        command.Parameters.AddWithValue("marker", marker);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>Every hit of a contact search, page after page (50 a page), as the API answers it.</summary>
    private async Task<List<Guid>> SearchAllPagesAsync(string query)
    {
        var hits = new List<Guid>();
        string? cursor = null;
        do
        {
            var url = $"/api/v1/search?q={query}&types=contact&limit=50" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var response = await app.Api.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal("search-service", response.Headers.GetValues("X-Search-Source").Single());
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            hits.AddRange(page.GetProperty("data").EnumerateArray().Select(hit => hit.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
        }
        while (cursor is not null);
        return hits;
    }

    /// <summary>Crm.Search's GET /index/check for the workspace, with the services' key (docs/api.md).</summary>
    private async Task<JsonElement> IndexCheckAsync()
    {
        var password = new NpgsqlConnectionStringBuilder(app.Run.Addresses["CRM_POSTGRES"]).Password!;
        var key = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password), "crm-search-service"u8));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{app.Run.Addresses["CRM_SEARCH_URL"]}/index/check?workspace={app.WorkspaceId}");
        request.Headers.Add("X-Crm-Search-Key", key);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A last name no other record has: letters only, so that search reads it as one word.</summary>
    private static string Marker() => "Rel" + string.Concat(RandomNumberGenerator.GetItems<char>("bcdfghjklmnpqrstvwxz", 10));
}
