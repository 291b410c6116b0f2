using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

// bench/search.sh starts PostgreSQL and Redis and passes their connection strings; see bench/README.md, "Search".
// Usage: SearchBench <admin connection string> <redis connection string> <Crm.Search.dll> <large contact count>
// The service login (crm_service) has the admin's password, as on the test server (Crm.Search creates it at start).
var (admin, redis, searchDll, large) = (args[0], args[1], args[2], int.Parse(args[3]));
var keep = args is [.., "--keep"]; // leaves the database (and exits before the large index) for a closer look
const int Small = 100_000;

var database = $"crm_search_bench_{Environment.ProcessId}";
await using (var server = NpgsqlDataSource.Create(admin))
{
    await server.CreateCommand($"CREATE DATABASE {database}").ExecuteNonQueryAsync();
}
var owner = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
var service = new NpgsqlConnectionStringBuilder(owner) { Username = "crm_service" }.ConnectionString;
await using var db = NpgsqlDataSource.Create(owner);
var workspace = Guid.CreateVersion7();
var names = new Names(new Random(42));

using var search = SearchProcess.Start(searchDll, service, owner, redis);
using var http = new HttpClient { BaseAddress = new Uri(search.Url) };
// Crm.Search answers the app's services only: the key is an HMAC of the services' database password (Crm.Domain.ServiceKey).
http.DefaultRequestHeaders.Add("X-Crm-Search-Key", Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
    System.Text.Encoding.UTF8.GetBytes(new NpgsqlConnectionStringBuilder(service).Password!), "crm-search-service"u8)));
await UntilAsync(async () => (await http.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromMinutes(2));
await Sql($"INSERT INTO workspaces (id, name, slug) VALUES ('{workspace}', 'Bench', 'bench')");

// 1. Indexing throughput: 100,000 contacts in ten statements of 10,000 (100,000 events), timed from the first commit
//    until the last document is in the index.
Console.WriteLine($"## Indexing {Small:N0} contacts through the outbox");
var indexing = Stopwatch.StartNew();
for (var i = 0; i < 10; i++)
{
    await InsertContactsAsync(Small / 10, triggers: true);
}
var inserted = indexing.Elapsed;
await UntilAsync(async () => await Scalar("SELECT count(*) FROM search_documents") >= Small, TimeSpan.FromMinutes(30));
Console.WriteLine($"inserts committed after {inserted.TotalSeconds:F1} s; all indexed after {indexing.Elapsed.TotalSeconds:F1} s: " +
                  $"{Small / indexing.Elapsed.TotalSeconds:F0} events/s");

// 2. Write-to-searchable lag: one contact per transaction with a unique surname, searched every 5 ms until found.
Console.WriteLine("## Write-to-searchable lag (200 single-contact writes, indexer idle)");
var lags = new List<double>();
for (var i = 0; i < 200; i++)
{
    var surname = $"Zlag{i:D4}q";
    var written = Stopwatch.StartNew();
    await Sql($"""
        SELECT set_config('role', 'crm_app', true), set_config('crm.workspace_id', '{workspace}', true);
        INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES (gen_random_uuid(), '{workspace}', 'Lag', '{surname}');
        """);
    while ((await SearchAsync(surname.ToLowerInvariant())).Count == 0)
    {
        await Task.Delay(5);
    }
    lags.Add(written.Elapsed.TotalMilliseconds);
}
Console.WriteLine($"lag ms: p50 {Percentile(lags, 50):F0}, p95 {Percentile(lags, 95):F0}, max {lags.Max():F0}");

// Measured on analyzed tables, as autovacuum leaves them a minute after a bulk load (before that, the planner may scan
// the workspace's rows instead of the GIN index).
await AnalyzeAsync();
await QueryLatencyAsync(Small);
if (keep)
{
    Console.WriteLine($"kept database {database}");
    return;
}

// 3. The large index: contacts loaded without events (triggers off), then the rebuild (docs/s), then queries.
Console.WriteLine($"## Loading {large:N0} contacts and rebuilding the index");
while (await Scalar("SELECT count(*) FROM contacts") < large)
{
    await InsertContactsAsync(50_000, triggers: false);
}
var rebuild = Stopwatch.StartNew();
(await http.PostAsync("/index/rebuild", null)).EnsureSuccessStatusCode();
await UntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/index/rebuild")).GetProperty("state").ToString() is "Completed" or "Failed",
    TimeSpan.FromHours(1));
var documents = await Scalar("SELECT count(*) FROM search_documents");
Console.WriteLine($"rebuild: {documents:N0} documents in {rebuild.Elapsed.TotalSeconds:F0} s: {documents / rebuild.Elapsed.TotalSeconds:F0} documents/s");
await AnalyzeAsync();
await QueryLatencyAsync(large);

search.Dispose();
NpgsqlConnection.ClearAllPools();
await using (var server = NpgsqlDataSource.Create(admin))
{
    await server.CreateCommand($"DROP DATABASE {database} WITH (FORCE)").ExecuteNonQueryAsync();
}
return;

async Task QueryLatencyAsync(int contacts)
{
    Console.WriteLine($"## Query latency at {contacts:N0} contacts (GET /search, limit 20, facets; 200 queries per kind, after 20 warm-up)");
    var kinds = new (string Kind, Func<string> Query)[]
    {
        ("full name", () => names.FullName()),
        ("full name, one typo each", () => names.Typo(names.First()) + " " + names.Typo(names.Last())),
        ("three-letter prefix", () => names.Last()[..3]),
        ("first name + company prefix", () => names.First() + " " + names.Company()[..3]),
    };
    foreach (var (kind, query) in kinds)
    {
        for (var i = 0; i < 20; i++)
        {
            await SearchAsync(query());
        }
        var times = new List<double>();
        var hits = 0L;
        for (var i = 0; i < 200; i++)
        {
            var timer = Stopwatch.StartNew();
            hits += (await SearchAsync(query())).Count;
            times.Add(timer.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"| {kind} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} | {hits / 200.0:F1} |");
    }
}

async Task AnalyzeAsync()
{
    await db.CreateCommand("VACUUM ANALYZE search_documents").ExecuteNonQueryAsync();
    await db.CreateCommand("VACUUM ANALYZE search_terms").ExecuteNonQueryAsync();
}

async Task<List<JsonElement>> SearchAsync(string q)
{
    var page = await http.GetFromJsonAsync<JsonElement>($"/search?workspace={workspace}&owners=all&q={Uri.EscapeDataString(q)}");
    return page.GetProperty("data").EnumerateArray().ToList();
}

async Task InsertContactsAsync(int count, bool triggers)
{
    var rows = Enumerable.Range(0, count).Select(_ => names.Contact()).ToList();
    await using var connection = await db.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    if (!triggers)
    {
        await new NpgsqlCommand("ALTER TABLE contacts DISABLE TRIGGER USER", connection, transaction).ExecuteNonQueryAsync();
    }
    await new NpgsqlCommand($"SELECT set_config('role', 'crm_app', true), set_config('crm.workspace_id', '{workspace}', true)", connection, transaction)
        .ExecuteNonQueryAsync();
    var insert = new NpgsqlCommand(
        """
        INSERT INTO contacts (id, workspace_id, first_name, last_name, email, title)
        SELECT gen_random_uuid(), @workspace, f, l, e, t FROM unnest(@first, @last, @email, @title) AS r (f, l, e, t)
        """, connection, transaction);
    insert.Parameters.AddWithValue("workspace", workspace);
    insert.Parameters.AddWithValue("first", rows.Select(r => r.First).ToArray());
    insert.Parameters.AddWithValue("last", rows.Select(r => r.Last).ToArray());
    insert.Parameters.AddWithValue("email", rows.Select(r => r.Email).ToArray());
    insert.Parameters.AddWithValue("title", rows.Select(r => r.Title).ToArray());
    await insert.ExecuteNonQueryAsync();
    if (!triggers)
    {
        await new NpgsqlCommand("RESET role; ALTER TABLE contacts ENABLE TRIGGER USER", connection, transaction).ExecuteNonQueryAsync();
    }
    await transaction.CommitAsync();
}

async Task Sql(string sql)
{
    await using var connection = await db.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    await new NpgsqlCommand(sql, connection, transaction).ExecuteNonQueryAsync();
    await transaction.CommitAsync();
}

async Task<long> Scalar(string sql) => (long)(await db.CreateCommand(sql).ExecuteScalarAsync())!;

static double Percentile(List<double> values, int percentile)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
}

static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout)
{
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            if (await done())
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
            // not listening yet
        }
        if (deadline.Elapsed > timeout)
        {
            throw new TimeoutException($"not done after {timeout}");
        }
        await Task.Delay(50);
    }
}

/// <summary>Realistic-looking contacts and queries from a fixed seed: common first and last names, two-word companies.</summary>
internal sealed class Names(Random random)
{
    private static readonly string[] Firsts = ("james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan " +
        "joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra donald ashley " +
        "steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy stephanie " +
        "ronald rebecca edward sharon jason laura jeffrey cynthia ryan kathleen jacob amy gary angela nicholas shirley eric anna jonathan " +
        "brenda stephen pamela larry emma justin nicole scott helen brandon samantha benjamin katherine samuel christine gregory debra " +
        "alexander rachel frank carolyn patrick janet raymond catherine jack maria dennis heather jerry diane tyler ruth aaron julie").Split(' ');

    private static readonly string[] Lasts = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez " +
        "wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker " +
        "young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts " +
        "gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz " +
        "morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray " +
        "mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez").Split(' ');

    private static readonly string[] CompanyWords = ("acme globex initech umbrella stark wayne wonka tyrell cyberdyne soylent hooli " +
        "vandelay massive dynamic aperture black mesa oscorp nakatomi gringotts monarch pied piper sterling cooper dunder mifflin " +
        "prestige virtucom genco kramerica").Split(' ');

    private static readonly string[] Suffixes = ["Corp", "Industries", "Labs", "Group", "Systems", "Holdings", "Partners", "Logistics"];

    private static readonly string[] Titles = ["CEO", "CTO", "VP Sales", "Account Executive", "Buyer", "Engineer", "Office Manager", "CFO"];

    private long _emails;

    public string First() => Capital(Firsts[random.Next(Firsts.Length)]);

    public string Last() => Capital(Lasts[random.Next(Lasts.Length)]);

    public string FullName() => First() + " " + Last();

    public string Company() => Capital(CompanyWords[random.Next(CompanyWords.Length)]) + " " + Suffixes[random.Next(Suffixes.Length)];

    public (string First, string Last, string Email, string Title) Contact()
    {
        var (first, last) = (First(), Last());
        return (first, last, $"{first}.{last}.{++_emails}@{Company().Split(' ')[0]}.example".ToLowerInvariant(),
            Titles[random.Next(Titles.Length)]);
    }

    /// <summary>The word with two neighbouring letters swapped, or one letter replaced (one edit), for words of 4+ letters.</summary>
    public string Typo(string word)
    {
        if (word.Length < 4)
        {
            return word;
        }
        var letters = word.ToLowerInvariant().ToCharArray();
        var at = 1 + random.Next(letters.Length - 2);
        if (random.Next(2) == 0)
        {
            (letters[at], letters[at + 1]) = (letters[at + 1], letters[at]);
        }
        else
        {
            letters[at] = (char)('a' + random.Next(26));
        }
        return new string(letters);
    }

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}

/// <summary>Crm.Search as its own process, as the AppHost runs it, on a free port.</summary>
internal sealed class SearchProcess(Process process, string port) : IDisposable
{
    public static SearchProcess Start(string dll, string service, string owner, string redis)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        listener.Stop();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            Environment =
            {
                ["ConnectionStrings__crmdb"] = service,
                ["ConnectionStrings__crmdb-owner"] = owner,
                ["ConnectionStrings__redis"] = redis,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Crm.Search"] = "Information",
            },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("rebuild", StringComparison.Ordinal) == true) { Console.WriteLine("  " + e.Data.Trim()); } };
        process.BeginOutputReadLine();
        return new SearchProcess(process, port);
    }

    public string Url => $"http://127.0.0.1:{port}";

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
