using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Domain.Search;
using Crm.Domain.Tenancy;
using Npgsql;
using NpgsqlTypes;

// bench/load.sh starts the whole system on a filled workspace and runs this; see bench/README.md, "API load".
// Usage: LoadBench <apiUrl> <email> <password> <service connection string> [seconds=15] [warmup=3] [clients=1,8,32]
// For each number of concurrent clients and each scenario: `clients` tasks loop for `seconds` (after `warmup` seconds
// whose requests are not counted), first against the API over HTTP, then the same queries as plain SQL on PostgreSQL
// as the service login with the workspace's tenant session (row-level security on), as the API sends them.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: LoadBench <apiUrl> <email> <password> <service connection string> [seconds=15] [warmup=3] [clients=1,8,32]");
    return 2;
}
var (apiUrl, email, password, service) = (args[0], args[1], args[2], args[3]);
var seconds = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 15;
var warmup = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 3;
var clientCounts = (args.Length > 6 ? args[6] : "1,8,32").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();

using var http = new HttpClient(new SocketsHttpHandler
{
    // A connection for every client (twice over), kept for the whole run: no connection set-up inside a measurement.
    MaxConnectionsPerServer = clientCounts.Max() * 2,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
})
{ BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(60) };
var auth = new Auth(http, email, password);
await auth.RefreshAsync();

// The service login's pool, as large as the API's (Npgsql's default 100), with the same tenant session the API sets.
var sql = new Sql(NpgsqlDataSource.Create(service), auth.WorkspaceId, auth.UserId);
var sample = await Sample.LoadAsync(sql);
Console.WriteLine($"workspace {auth.WorkspaceId}: {sample.Contacts.Length:N0} contacts, {sample.OpenDeals.Length:N0} open deals, " +
                  $"{sample.OpenStages.Length} open stages; {seconds} s per scenario after {warmup} s warm-up; clients {string.Join(", ", clientCounts)}");
Console.WriteLine($"load average at start: {LoadAverage()}");

var scenarios = Scenarios.All(http, sql, sample);
foreach (var clients in clientCounts)
{
    var rows = new List<string>();
    foreach (var scenario in scenarios)
    {
        await auth.RefreshAsync(); // access tokens live 15 minutes; a scenario's runs take well under one
        var api = await Runner.RunAsync(clients, warmup, seconds, scenario.Api);
        var db = await Runner.RunAsync(clients, warmup, seconds, scenario.Sql);
        rows.Add($"| {scenario.Name} | {api.Line()} | {db.Line()} | {(db.Rps > 0 ? (api.Rps / db.Rps).ToString("P0", CultureInfo.InvariantCulture) : "–")} |");
        Console.Error.WriteLine($"  {clients} clients, {scenario.Name}: api {api.Rps:F0}/s, sql {db.Rps:F0}/s (load {LoadAverage()})");
    }
    Console.WriteLine();
    Console.WriteLine($"### {clients} concurrent client{(clients == 1 ? "" : "s")} (load average after: {LoadAverage()})");
    Console.WriteLine();
    Console.WriteLine("| scenario | API requests | API rps | API p50 ms | API p95 ms | API p99 ms | SQL requests | SQL rps | SQL p50 ms | SQL p95 ms | SQL p99 ms | API / SQL |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    rows.ForEach(Console.WriteLine);
}
return 0;

// The 1, 5 and 15 minute load averages: the machine is shared, so every table says how busy it was.
static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

/// <summary>The demo user's access token, renewed by a fresh login; its workspace and user ids.</summary>
internal sealed class Auth(HttpClient http, string email, string password)
{
    public Guid WorkspaceId { get; private set; }

    public Guid UserId { get; private set; }

    public async Task RefreshAsync()
    {
        using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        WorkspaceId = tokens.GetProperty("workspace").GetProperty("id").GetGuid();
        var me = await http.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        UserId = me.GetProperty("userId").GetGuid();
    }
}

/// <summary>
/// Connections of the service login acting for the workspace: Crm.Domain's <see cref="TenantSession"/> applied as the
/// API applies it to every connection it opens (role crm_app, so row-level security applies; workspace and user).
/// </summary>
internal sealed class Sql(NpgsqlDataSource dataSource, Guid workspaceId, Guid userId)
{
    public Guid WorkspaceId => workspaceId;

    public Guid UserId => userId;

    public async Task<NpgsqlConnection> OpenAsync(bool asUser = true)
    {
        var connection = await dataSource.OpenConnectionAsync();
        // Crm.Search queries with the workspace only (its session has no user).
        await new TenantSession(workspaceId, asUser ? userId : null).ApplyAsync(connection);
        return connection;
    }
}

/// <summary>What the scenarios pick from: contacts (id and name), open deals, the default pipeline and its open stages.</summary>
internal sealed record Sample(Guid[] Contacts, string[] Names, Guid[] OpenDeals, Guid PipelineId, Guid[] OpenStages)
{
    public static async Task<Sample> LoadAsync(Sql sql)
    {
        await using var connection = await sql.OpenAsync();
        var contacts = new List<Guid>();
        var names = new List<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT id, first_name || ' ' || last_name FROM contacts WHERE deleted_at IS NULL ORDER BY random() LIMIT 20000", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                contacts.Add(reader.GetGuid(0));
                names.Add(reader.GetString(1));
            }
        }
        var pipeline = (Guid)(await new NpgsqlCommand("SELECT id FROM pipelines WHERE is_default AND deleted_at IS NULL", connection).ExecuteScalarAsync())!;
        var stages = new List<Guid>();
        await using (var read = new NpgsqlCommand(
            "SELECT id FROM pipeline_stages WHERE pipeline_id = $1 AND kind = 'open' AND deleted_at IS NULL ORDER BY position", connection))
        {
            read.Parameters.AddWithValue(pipeline);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stages.Add(reader.GetGuid(0));
            }
        }
        var deals = new List<Guid>();
        await using (var read = new NpgsqlCommand(
            "SELECT id FROM deals WHERE status = 'open' AND deleted_at IS NULL AND pipeline_id = $1 ORDER BY random() LIMIT 5000", connection))
        {
            read.Parameters.AddWithValue(pipeline);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                deals.Add(reader.GetGuid(0));
            }
        }
        return new Sample([.. contacts], [.. names], [.. deals], pipeline, [.. stages]);
    }
}

/// <summary>One kind of request, over HTTP and as SQL; each makes one client's next request from its own state.</summary>
internal sealed record Scenario(string Name, Func<int, int, Func<Lap, Task>> Api, Func<int, int, Func<Lap, Task>> Sql);

/// <summary>A request's clock: a request that must first read something (a deal's ETag) restarts it when it has.</summary>
internal sealed class Lap
{
    private long _started;

    public void Start() => _started = Stopwatch.GetTimestamp();

    public double Milliseconds => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
}

/// <summary>Latencies of one run: requests per second over the measured seconds and percentiles.</summary>
internal sealed record Result(int Requests, int Errors, double Rps, double P50, double P95, double P99)
{
    public string Line() =>
        string.Create(CultureInfo.InvariantCulture, $"{Requests:N0}{(Errors > 0 ? $" ({Errors} failed)" : "")} | {Rps:F0} | {P50:F1} | {P95:F1} | {P99:F1}");
}

internal static class Runner
{
    /// <summary>
    /// <paramref name="clients"/> tasks, each with its own request maker (client index, client count), loop: first for
    /// the warm-up, uncounted, then for the measured seconds. A failed request counts as an error, not as a latency.
    /// </summary>
    public static async Task<Result> RunAsync(int clients, double warmup, double seconds, Func<int, int, Func<Lap, Task>> makeClient)
    {
        var requests = Enumerable.Range(0, clients).Select(i => makeClient(i, clients)).ToArray();
        await LoopAsync(requests, TimeSpan.FromSeconds(warmup));
        var watch = Stopwatch.StartNew();
        var (latencies, errors) = await LoopAsync(requests, TimeSpan.FromSeconds(seconds));
        var elapsed = watch.Elapsed.TotalSeconds;
        latencies.Sort();
        return new Result(latencies.Count, errors, latencies.Count / elapsed,
            Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99));
    }

    private static async Task<(List<double> Latencies, int Errors)> LoopAsync(Func<Lap, Task>[] requests, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(requests.Select(request => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            var lap = new Lap();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                lap.Start();
                try
                {
                    await request(lap);
                    latencies.Add(lap.Milliseconds);
                }
                // A client timeout (TaskCanceledException) counts as a failed request, not the end of the run.
                catch (Exception e) when (e is HttpRequestException or NpgsqlException or InvalidOperationException or TaskCanceledException)
                {
                    if (++errors <= 3)
                    {
                        Console.Error.WriteLine($"    failed: {e.Message}");
                    }
                }
            }
            return (latencies, errors);
        })));
        return ([.. results.SelectMany(r => r.latencies)], results.Sum(r => r.errors));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>The six scenarios; each client keeps its own random source and state (cursors, its share of the deals).</summary>
internal static class Scenarios
{
    private static readonly string[] Stages = ["lead", "mql", "sql", "opportunity", "customer", "evangelist"];

    public static Scenario[] All(HttpClient http, Sql sql, Sample sample) =>
    [
        new("list contacts (filter, sort, 3 pages)", (i, _) => ListContactsApi(http, new Random(i)), (i, _) => ListContactsSql(sql, new Random(i))),
        new("get contact", (i, _) => GetContactApi(http, sample, new Random(i)), (i, _) => GetContactSql(sql, sample, new Random(i))),
        new("create contact", (_, _) => CreateContactApi(http), (_, _) => CreateContactSql(sql)),
        new("move deal", (i, n) => MoveDealApi(http, sample, i, n), (i, n) => MoveDealSql(sql, sample, i, n)),
        new("pipeline board", (_, _) => BoardApi(http, sample), (_, _) => BoardSql(sql, sample)),
        new("search", (i, _) => SearchApi(http, sample, new Random(i)), (i, _) => SearchSql(sql, sample, new Random(i))),
    ];

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {body[..Math.Min(body.Length, 200)]}");
        }
    }

    /// <summary>A lifecycle stage's contacts by lead score, highest first, 50 a page; three pages along the cursor, then another stage.</summary>
    private static Func<Lap, Task> ListContactsApi(HttpClient http, Random random)
    {
        string? cursor = null;
        var stage = Stages[0];
        var page = 0;
        return async _ =>
        {
            if (page == 0)
            {
                stage = Stages[random.Next(Stages.Length)];
            }
            var list = await GetJsonAsync(http, $"/api/v1/contacts?filter[lifecycleStage]={stage}&sort=-leadScore&limit=50" +
                                                (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            cursor = list.GetProperty("nextCursor").GetString();
            page = cursor is null || page == 2 ? 0 : page + 1;
            if (page == 0)
            {
                cursor = null;
            }
        };
    }

    private static Func<Lap, Task> GetContactApi(HttpClient http, Sample sample, Random random) =>
        _ => GetJsonAsync(http, $"/api/v1/contacts/{sample.Contacts[random.Next(sample.Contacts.Length)]}");

    private static Func<Lap, Task> CreateContactApi(HttpClient http) => async _ =>
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        using var response = await http.PostAsJsonAsync("/api/v1/contacts", new
        {
            firstName = "Load", lastName = $"Bench {id}", email = $"load.{id}@bench.example", title = "Buyer", city = "Lisbon", leadScore = 40,
        });
        await EnsureAsync(response);
    };

    /// <summary>
    /// Client i of n moves its own open deals (every n-th of the sample), so no two clients race for a deal: each to the
    /// next open stage, round and round, with the ETag of its previous answer as If-Match (the first time, of a GET that
    /// is not timed).
    /// </summary>
    private static Func<Lap, Task> MoveDealApi(HttpClient http, Sample sample, int client, int clients)
    {
        var deals = sample.OpenDeals.Where((_, k) => k % clients == client).ToArray();
        var etags = new Dictionary<Guid, (string ETag, int Stage)>();
        var next = 0;
        return async lap =>
        {
            var deal = deals[next++ % deals.Length];
            if (!etags.TryGetValue(deal, out var known))
            {
                using var read = await http.GetAsync($"/api/v1/deals/{deal}");
                await EnsureAsync(read);
                var stageId = (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stageId").GetGuid();
                known = (read.Headers.ETag!.Tag, Array.IndexOf(sample.OpenStages, stageId));
                lap.Start();
            }
            var target = (known.Stage + 1) % sample.OpenStages.Length;
            using var move = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/deals/{deal}/move")
            {
                Content = JsonContent.Create(new { stageId = sample.OpenStages[target] }),
            };
            move.Headers.IfMatch.Add(new EntityTagHeaderValue(known.ETag));
            using var response = await http.SendAsync(move);
            await EnsureAsync(response);
            etags[deal] = (response.Headers.ETag!.Tag, target);
        };
    }

    private static Func<Lap, Task> BoardApi(HttpClient http, Sample sample) =>
        _ => GetJsonAsync(http, $"/api/v1/pipelines/{sample.PipelineId}/board?limit=10");

    /// <summary>A contact's full name as a user types it (different names, so Crm.Search's 120 s result cache rarely answers).</summary>
    private static Func<Lap, Task> SearchApi(HttpClient http, Sample sample, Random random) =>
        _ => GetJsonAsync(http, $"/api/v1/search?q={Uri.EscapeDataString(sample.Names[random.Next(sample.Names.Length)])}");

    // The SQL the API sends (captured with log_statement = 'all', 2026-12-07), written out. Each request opens one pooled
    // connection and sets the tenant session once; the API opens a connection per EF Core query (each open costs a
    // DISCARD ALL and the session's round trip), so its extra round trips are part of what the ratio shows.
    private const string ContactColumns =
        "c.id, c.address_line1, c.address_line2, c.city, c.company_id, c.country, c.created_at, c.created_by, c.custom_fields, " +
        "c.deleted_at, c.department, c.email, c.facebook_url, c.first_name, c.language, c.last_activity_at, c.last_contacted_at, " +
        "c.last_name, c.lead_score, c.lifecycle_stage, c.linkedin_url, c.mobile, c.next_activity_at, c.owner_id, c.phone, " +
        "c.postal_code, c.source, c.state, c.status, c.timezone, c.title, c.twitter_handle, c.updated_at, c.updated_by, c.xmin, " +
        "c.website, c.workspace_id";

    private const string DealColumns =
        "d.id, d.actual_close_date, d.company_id, d.competitor, d.contact_id, d.created_at, d.created_by, d.currency, " +
        "d.custom_fields, d.deal_type, d.deleted_at, d.description, d.expected_close_date, d.last_activity_at, d.lost_reason, " +
        "d.name, d.next_step, d.owner_id, d.pipeline_id, d.priority, d.probability, d.source, d.stage_entered_at, d.stage_id, " +
        "d.status, d.updated_at, d.updated_by, d.value, d.xmin, d.watcher_ids, d.weighted_value, d.won_reason, d.workspace_id";

    private const string StageColumns =
        "p.id, p.color, p.created_at, p.created_by, p.default_probability, p.deleted_at, p.description, p.kind, p.name, " +
        "p.pipeline_id, p.position, p.required_fields, p.rotting_days, p.updated_at, p.updated_by, p.xmin, p.wip_limit, p.workspace_id";

    private const string TagsOf =
        """
        SELECT t.entity_id AS "EntityId", t1.id AS "Id", t1.name AS "Name", t1.color AS "Color"
        FROM taggings AS t
        INNER JOIN (
            SELECT t0.id, t0.color, t0.name
            FROM tags AS t0
            WHERE t0.workspace_id = $1 AND t0.deleted_at IS NULL
        ) AS t1 ON t.tag_id = t1.id
        WHERE t.workspace_id = $1 AND t.entity_type = $2 AND t.entity_id = ANY ($3)
        ORDER BY t1.name, t1.id
        """;

    private static NpgsqlCommand Command(NpgsqlConnection connection, string text, params object?[] values)
    {
        var command = new NpgsqlCommand(text, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }

    /// <summary>Reads every row and every value (as the API materializes them); answers the rows.</summary>
    private static async Task<List<object[]>> RowsAsync(NpgsqlConnection connection, string text, params object?[] values)
    {
        await using var command = Command(connection, text, values);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string text, params object?[] values)
    {
        await using var command = Command(connection, text, values);
        await command.ExecuteNonQueryAsync();
    }

    private static Func<Lap, Task> ListContactsSql(Sql sql, Random random)
    {
        (int Score, Guid Id)? after = null;
        var stage = Stages[0];
        var page = 0;
        return async _ =>
        {
            if (page == 0)
            {
                stage = Stages[random.Next(Stages.Length)];
            }
            await using var connection = await sql.OpenAsync();
            var rows = after is not { } last
                ? await RowsAsync(connection,
                    $"""
                    SELECT {ContactColumns}
                    FROM contacts AS c
                    WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.lifecycle_stage = $2
                    ORDER BY c.lead_score DESC, c.id
                    LIMIT $3
                    """, sql.WorkspaceId, stage, 51)
                : await RowsAsync(connection,
                    $"""
                    SELECT {ContactColumns}
                    FROM contacts AS c
                    WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.lifecycle_stage = $2 AND (c.lead_score < $3 OR (c.lead_score = $4 AND c.id > $5)) AND c.lead_score <= $6
                    ORDER BY c.lead_score DESC, c.id
                    LIMIT $7
                    """, sql.WorkspaceId, stage, last.Score, last.Score, last.Id, last.Score, 51);
            var items = rows.Take(50).ToList();
            await RowsAsync(connection, TagsOf, sql.WorkspaceId, "contact", items.Select(r => (Guid)r[0]).ToArray());
            after = rows.Count > 50 ? ((int)items[^1][18], (Guid)items[^1][0]) : null;
            page = after is null || page == 2 ? 0 : page + 1;
            if (page == 0)
            {
                after = null;
            }
        };
    }

    private static Func<Lap, Task> GetContactSql(Sql sql, Sample sample, Random random) => async _ =>
    {
        var id = sample.Contacts[random.Next(sample.Contacts.Length)];
        await using var connection = await sql.OpenAsync();
        if ((await RowsAsync(connection, $"SELECT {ContactColumns}\nFROM contacts AS c\nWHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.id = $2",
                sql.WorkspaceId, id)).Count != 1)
        {
            throw new InvalidOperationException($"contact {id} not found");
        }
        await RowsAsync(connection, TagsOf, sql.WorkspaceId, "contact", new[] { id });
    };

    /// <summary>The contact's custom fields, the owner's membership, then the audit row and the contact in one transaction.</summary>
    private static Func<Lap, Task> CreateContactSql(Sql sql) => async _ =>
    {
        var id = Guid.CreateVersion7();
        var tag = Guid.NewGuid().ToString("N")[..12];
        await using var connection = await sql.OpenAsync();
        await RowsAsync(connection,
            """
            SELECT c.id, c.created_at, c.created_by, c.deleted_at, c.field_type, c.help_text, c.is_active, c.is_required, c.key, c.label, c.object_type, c.options, c.placeholder, c.position, c.updated_at, c.updated_by, c.validation_rules, c.xmin, c.workspace_id
            FROM custom_field_definitions AS c
            WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.object_type = $2
            """, sql.WorkspaceId, "contact");
        await RowsAsync(connection,
            """
            SELECT w.user_id
            FROM workspace_members AS w
            WHERE w.workspace_id = $1 AND w.user_id = ANY ($2) AND w.status = 'active'
            """, sql.WorkspaceId, new[] { sql.UserId });
        await using var transaction = await connection.BeginTransactionAsync();
        var values = JsonSerializer.Serialize(new
        {
            city = "Lisbon", email = $"sql.{tag}@bench.example", title = "Buyer", source = "manual", status = "active", ownerId = sql.UserId,
            lastName = $"Bench {tag}", firstName = "Load", leadScore = 40, customFields = new { }, lifecycleStage = "lead",
        });
        await RowsAsync(connection,
            """
            INSERT INTO audit_logs (id, action, actor_api_key_id, actor_user_id, entity_id, entity_type, ip_address, new_values, old_values, trace_id, user_agent, workspace_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING created_at
            """, Guid.CreateVersion7(), "created", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value }, sql.UserId, id,
            "contact", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Inet, Value = IPAddress.Loopback },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = values }, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = DBNull.Value },
            Guid.NewGuid().ToString("N"), "LoadBench", sql.WorkspaceId);
        await RowsAsync(connection,
            """
            INSERT INTO contacts (id, city, created_by, custom_fields, email, first_name, last_name, lead_score, lifecycle_stage, owner_id, source, status, title, updated_by, workspace_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            RETURNING created_at, updated_at, xmin
            """, id, "Lisbon", sql.UserId, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = "{}" }, $"sql.{tag}@bench.example", "Load",
            $"Bench {tag}", 40, "lead", sql.UserId, "manual", "active", "Buyer", sql.UserId, sql.WorkspaceId);
        await transaction.CommitAsync();
    };

    /// <summary>
    /// The move's transaction: the deal, the target stage locked and read with its pipeline, the audit row and the
    /// update (the ETag check is the API's own: xmin in the WHERE), then the deal's tags for the answer.
    /// </summary>
    private static Func<Lap, Task> MoveDealSql(Sql sql, Sample sample, int client, int clients)
    {
        var deals = sample.OpenDeals.Where((_, k) => k % clients == client).ToArray();
        var next = 0;
        return async _ =>
        {
            var dealId = deals[next++ % deals.Length];
            await using var connection = await sql.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var deal = (await RowsAsync(connection, $"SELECT {DealColumns}\nFROM deals AS d\nWHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.id = $2\nLIMIT 1",
                sql.WorkspaceId, dealId)).Single();
            var (fromStage, version, fromProbability) = ((Guid)deal[23], (uint)deal[28], (int)deal[20]);
            var target = sample.OpenStages[(Array.IndexOf(sample.OpenStages, fromStage) + 1) % sample.OpenStages.Length];
            await RowsAsync(connection, "SELECT id AS \"Value\" FROM pipeline_stages WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE", target);
            var stage = (await RowsAsync(connection,
                $"""
                SELECT {StageColumns}
                FROM pipeline_stages AS p
                WHERE p.workspace_id = $1 AND p.id = $2 AND EXISTS (
                    SELECT 1
                    FROM pipelines AS p0
                    WHERE p0.workspace_id = $1 AND p0.id = p.pipeline_id AND p0.deleted_at IS NULL AND p0.is_active)
                LIMIT 1
                """, sql.WorkspaceId, target)).Single();
            var probability = (int)stage[4];
            var now = DateTimeOffset.UtcNow;
            await ExecuteAsync(connection, "SAVEPOINT \"__EFSavePoint\"");
            await RowsAsync(connection,
                """
                INSERT INTO audit_logs (id, action, actor_api_key_id, actor_user_id, entity_id, entity_type, ip_address, new_values, old_values, trace_id, user_agent, workspace_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                RETURNING created_at
                """, Guid.CreateVersion7(), "stage_changed", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value }, sql.UserId,
                dealId, "deal", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Inet, Value = IPAddress.Loopback },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(new { stageId = target, probability }) },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(new { stageId = fromStage, probability = fromProbability }) },
                Guid.NewGuid().ToString("N"), "LoadBench", sql.WorkspaceId);
            var updated = await RowsAsync(connection,
                """
                UPDATE deals SET probability = $1, stage_entered_at = $2, stage_id = $3, updated_at = $4
                WHERE id = $5 AND xmin = $6
                RETURNING xmin, weighted_value
                """, probability, now, target, now, dealId, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Xid, Value = version });
            if (updated.Count != 1)
            {
                throw new InvalidOperationException($"deal {dealId} changed meanwhile");
            }
            await ExecuteAsync(connection, "RELEASE SAVEPOINT \"__EFSavePoint\"");
            await transaction.CommitAsync();
            await RowsAsync(connection, TagsOf, sql.WorkspaceId, "deal", new[] { dealId });
        };
    }

    /// <summary>The pipeline, its stages, the totals per stage and currency, and each stage's first ten deals.</summary>
    private static Func<Lap, Task> BoardSql(Sql sql, Sample sample) => async _ =>
    {
        await using var connection = await sql.OpenAsync();
        await RowsAsync(connection,
            """
            SELECT p.id, p.created_at, p.created_by, p.currency, p.deleted_at, p.description, p.display_order, p.is_active, p.is_default, p.name, p.pipeline_type, p.rotting_days, p.updated_at, p.updated_by, p.xmin, p.workspace_id
            FROM pipelines AS p
            WHERE p.workspace_id = $1 AND p.id = $2 AND p.deleted_at IS NULL
            LIMIT 1
            """, sql.WorkspaceId, sample.PipelineId);
        var stages = await RowsAsync(connection,
            $"SELECT {StageColumns}\nFROM pipeline_stages AS p\nWHERE p.workspace_id = $1 AND p.pipeline_id = $2 AND p.deleted_at IS NULL\nORDER BY p.position",
            sql.WorkspaceId, sample.PipelineId);
        await RowsAsync(connection,
            """
            SELECT d.stage_id, d.currency, count(*)::int, COALESCE(sum(d.value), 0.0), COALESCE(sum(d.weighted_value), 0.0)
            FROM deals AS d
            WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.pipeline_id = $2 AND d.status <> 'abandoned'
            GROUP BY d.stage_id, d.currency
            """, sql.WorkspaceId, sample.PipelineId);
        foreach (var stage in stages)
        {
            await RowsAsync(connection,
                $"""
                SELECT {DealColumns}
                FROM deals AS d
                WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.pipeline_id = $2 AND d.status <> 'abandoned' AND d.stage_id = $3
                ORDER BY d.stage_entered_at, d.id
                LIMIT $4
                """, sql.WorkspaceId, sample.PipelineId, (Guid)stage[0], 10);
        }
    };

    /// <summary>
    /// Crm.Search's PostgreSQL query (PostgresSearchBackend): the typo candidates of the words, then one statement for
    /// the page and the facets; the query text is made by the product's own LexicalQuery.
    /// </summary>
    private static Func<Lap, Task> SearchSql(Sql sql, Sample sample, Random random) => async _ =>
    {
        var query = LexicalQuery.Parse(sample.Names[random.Next(sample.Names.Length)]);
        await using var connection = await sql.OpenAsync(asUser: false);
        if (query.FuzzyWords.Count > 0)
        {
            var candidates = (await RowsAsync(connection, "SELECT token, term FROM crm_search_similar_terms($1, $2)", sql.WorkspaceId, query.FuzzyWords.ToArray()))
                .Select(r => ((string)r[0], (string)r[1]));
            query = query.WithCorrections(candidates);
        }
        await RowsAsync(connection,
            """
            WITH matched AS MATERIALIZED (
                SELECT * FROM crm_search_documents($1, $2::tsquery, $3::tsquery, $4, $5, $6,
                                                   $7, $8)
            ),
            page AS (
                SELECT type, id, title, subtitle, keywords, body, score FROM matched
                WHERE $9::double precision IS NULL OR score < $9
                   OR (score = $9 AND (type, id) > ($10, $11))
                ORDER BY score DESC, type, id
                LIMIT $12
            ),
            facets AS (
                SELECT 'type' AS facet, type AS value, count(*) AS count FROM matched GROUP BY type
                UNION ALL SELECT 'owner', owner_id::text, count(*) FROM matched WHERE owner_id IS NOT NULL GROUP BY owner_id
                UNION ALL SELECT 'stage', stage_id::text, count(*) FROM matched WHERE stage_id IS NOT NULL GROUP BY stage_id
                UNION ALL SELECT 'tags', tag, count(*) FROM matched, unnest(matched.tags) AS tag GROUP BY tag
            )
            SELECT (SELECT coalesce(jsonb_agg(page ORDER BY score DESC, type, id), '[]') FROM page),
                   (SELECT coalesce(jsonb_agg(facets ORDER BY facet, count DESC, value), '[]') FROM facets)
            """,
            sql.WorkspaceId, query.ToTsQuery(), query.ToExactTsQuery(), Array.Empty<string>(),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value }, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value },
            Array.Empty<string>(), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = DBNull.Value }, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = DBNull.Value }, 21);
    };
}
