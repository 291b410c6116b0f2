using System.Diagnostics;
using Crm.AiWorker.Features.Embeddings;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Crm.Domain.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AiBench;

/// <summary>
/// Vector queries through PostgreSQL: a fresh database migrated with the product's migrations (so the real embeddings
/// table, its row-level security and its HNSW index), two workspaces (a large one of <c>count</c> vectors and a small
/// one of 1,000), and queries with EmbeddingStore.NearestAsync's SQL and settings in a crm_app session of one workspace,
/// compared with the exact answer (the same query with index scans off).
/// </summary>
internal static class VectorBench
{
    public const int Dimensions = 100;
    private const int SmallWorkspaceVectors = 1_000;
    private const int Queries = 200;
    private const int WarmUp = 20;
    private const int K = 10;
    private const string Model = "sif-glove-100d";
    private static readonly string[] Types = ["contact", "company", "lead", "deal"];

    // EmbeddingStore.NearestAsync's SQL for 100 dimensions through the HNSW index (its path above ExactSearchUpTo vectors).
    private const string NearestSql = """
        SELECT entity_type, entity_id, 1 - distance FROM (
            SELECT entity_type, entity_id, embedding::vector(100) <=> @query::vector(100) AS distance
            FROM embeddings
            WHERE dimensions = 100 AND model = @model AND entity_type = ANY(@types)
            ORDER BY embedding::vector(100) <=> @query::vector(100)
            LIMIT @limit) nearest
        ORDER BY distance, entity_id
        """;

    public static async Task RunAsync(string admin, int count, SifEmbeddingGenerator? sif, bool keep)
    {
        var source = sif is not null && count <= 200_000 ? "SIF embeddings of generated CRM texts" : "a Gaussian mixture (2,000 clusters)";
        Console.WriteLine($"## Vector queries, {count:N0} + {SmallWorkspaceVectors:N0} vectors ({source})");
        var database = $"crm_ai_bench_{count}_{Environment.ProcessId}";
        await using (var server = NpgsqlDataSource.Create(admin))
        {
            await server.CreateCommand($"CREATE DATABASE {database}").ExecuteNonQueryAsync();
        }
        var owner = new NpgsqlConnectionStringBuilder(admin) { Database = database, CommandTimeout = 0 }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(owner);
        await new MigrationRunner(db, MigrationScript.LoadEmbedded(), "ai-bench", NullLogger<MigrationRunner>.Instance).RunAsync();
        Console.WriteLine($"PostgreSQL {await ScalarAsync(db, "SHOW server_version")}, pgvector " +
                          $"{await ScalarAsync(db, "SELECT extversion FROM pg_extension WHERE extname = 'vector'")}");

        var large = Guid.CreateVersion7();
        var small = Guid.CreateVersion7();
        await ExecuteAsync(db, $"INSERT INTO workspaces (id, name, slug) VALUES ('{large}', 'Large', 'large'), ('{small}', 'Small', 'small')");

        // Data: the large workspace's vectors, the small one's, and queries, all from the same distribution.
        var generate = Stopwatch.StartNew();
        Func<float[]> next = sif is not null && count <= 200_000 ? SifSource(sif) : MixtureSource(seed: 7);
        var queries = Enumerable.Range(0, WarmUp + Queries).Select(_ => next()).ToArray();
        var smallVectors = Enumerable.Range(0, SmallWorkspaceVectors).Select(_ => next()).ToArray();
        Console.WriteLine($"generated in {generate.Elapsed.TotalSeconds:F1} s");

        // The bulk load goes without the HNSW index (as a backfill of a new model would be best done), which is then
        // built from the migration's own definition.
        var indexDefinition = (string)(await ScalarAsync(db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'embeddings_hnsw_100'"))!;
        await ExecuteAsync(db, "DROP INDEX embeddings_hnsw_100");
        var load = Stopwatch.StartNew();
        await LoadAsync(db, large, count, next);
        await LoadAsync(db, small, SmallWorkspaceVectors, Enumerable.Range(0, SmallWorkspaceVectors).Select(i => smallVectors[i]).GetEnumerator().AsFunc());
        Console.WriteLine($"loaded {count + SmallWorkspaceVectors:N0} rows (generation included) in {load.Elapsed.TotalSeconds:F1} s");
        await ExecuteAsync(db, "VACUUM ANALYZE embeddings");

        var build = Stopwatch.StartNew();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await new NpgsqlCommand("SET maintenance_work_mem = '2GB'", connection).ExecuteNonQueryAsync();
            var workers = await new NpgsqlCommand("SHOW max_parallel_maintenance_workers", connection).ExecuteScalarAsync();
            Console.WriteLine($"building the HNSW index (maintenance_work_mem 2GB, max_parallel_maintenance_workers {workers}): {indexDefinition}");
            await new NpgsqlCommand(indexDefinition, connection).ExecuteNonQueryAsync();
        }
        Console.WriteLine($"index built in {build.Elapsed.TotalSeconds:F1} s; index {await ScalarAsync(db, "SELECT pg_size_pretty(pg_relation_size('embeddings_hnsw_100'))")}, " +
                          $"table {await ScalarAsync(db, "SELECT pg_size_pretty(pg_table_size('embeddings'))")}");

        Console.WriteLine("| workspace (vectors) | search | plan | p50 ms | p95 ms | recall@10 | results/query |");
        foreach (var (workspace, name) in new[] { (large, $"large ({count:N0})"), (small, $"small ({SmallWorkspaceVectors:N0})") })
        {
            var exact = await QueryAsync(db, workspace, queries, Mode.Exact);
            Report(name, "exact (enable_indexscan off)", exact, exact);
            Report(name, "production: EmbeddingStore.NearestAsync", await StoreQueryAsync(db, workspace, queries), exact);
            Report(name, "HNSW SQL, planner's choice", await QueryAsync(db, workspace, queries, Mode.Production), exact);
            Report(name, "HNSW forced (enable_sort off), iterative scan", await QueryAsync(db, workspace, queries, Mode.ForcedHnsw), exact);
            Report(name, "HNSW forced (enable_sort off), iterative scan off", await QueryAsync(db, workspace, queries, Mode.ForcedHnswNoIterativeScan), exact);
        }

        if (keep)
        {
            Console.WriteLine($"kept database {database}");
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using (var server = NpgsqlDataSource.Create(admin))
        {
            await server.CreateCommand($"DROP DATABASE {database} WITH (FORCE)").ExecuteNonQueryAsync();
        }
    }

    private enum Mode
    {
        Exact,
        Production,
        ForcedHnsw,
        ForcedHnswNoIterativeScan,
    }

    private sealed record Result(double[] Milliseconds, List<Guid>[] Ids, string Plan);

    private static void Report(string workspace, string search, Result result, Result exact)
    {
        var hits = 0;
        for (var q = 0; q < result.Ids.Length; q++)
        {
            hits += result.Ids[q].Intersect(exact.Ids[q]).Count();
        }
        var wanted = exact.Ids.Sum(ids => ids.Count);
        Console.WriteLine($"| {workspace} | {search} | {result.Plan} | {Percentile(result.Milliseconds, 50):F2} | {Percentile(result.Milliseconds, 95):F2} | " +
                          $"{(double)hits / wanted:F3} | {result.Ids.Average(ids => ids.Count):F2} |");
    }

    /// <summary>
    /// The queries in one workspace's session as the services run them: role crm_app (so row-level security filters
    /// the scan), crm.workspace_id set, and EmbeddingStore's hnsw settings (iterative scan relaxed_order, ef_search 100).
    /// </summary>
    private static async Task<Result> QueryAsync(NpgsqlDataSource db, Guid workspace, float[][] queries, Mode mode)
    {
        await using var connection = await db.OpenConnectionAsync();
        var iterative = mode == Mode.ForcedHnswNoIterativeScan ? "off" : "relaxed_order";
        await new NpgsqlCommand($"""
            SELECT set_config('role', 'crm_app', false), set_config('crm.workspace_id', '{workspace}', false),
                   set_config('hnsw.iterative_scan', '{iterative}', false), set_config('hnsw.ef_search', '100', false),
                   set_config('enable_indexscan', '{(mode == Mode.Exact ? "off" : "on")}', false),
                   set_config('enable_sort', '{(mode is Mode.ForcedHnsw or Mode.ForcedHnswNoIterativeScan ? "off" : "on")}', false)
            """, connection).ExecuteNonQueryAsync();
        // Which scan the planner chose (the production query may take the primary key for a small workspace: exact).
        await using var explain = Command(connection, "EXPLAIN " + NearestSql, queries[0]);
        var planText = string.Join('\n', await ReadAllAsync(explain));
        var plan = planText.Contains("embeddings_hnsw_100", StringComparison.Ordinal) ? "HNSW"
            : planText.Contains("embeddings_pkey", StringComparison.Ordinal) ? "pkey + sort"
            : planText.Contains("embeddings_model", StringComparison.Ordinal) ? "embeddings_model + sort"
            : planText.Contains("Seq Scan", StringComparison.Ordinal) ? "seq scan + sort"
            : planText.Contains("Bitmap", StringComparison.Ordinal) ? "bitmap + sort" : "other";
        if (mode is Mode.ForcedHnsw or Mode.ForcedHnswNoIterativeScan && plan != "HNSW")
        {
            throw new InvalidOperationException("The forced query does not use the HNSW index:\n" + planText);
        }
        var times = new List<double>();
        var ids = new List<List<Guid>>();
        for (var i = 0; i < queries.Length; i++)
        {
            await using var command = Command(connection, NearestSql, queries[i]);
            var timer = Stopwatch.StartNew();
            var found = new List<Guid>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    found.Add(reader.GetGuid(1));
                }
            }
            if (i >= WarmUp)
            {
                times.Add(timer.Elapsed.TotalMilliseconds);
                ids.Add(found);
            }
        }
        return new Result([.. times], [.. ids], plan);
    }

    /// <summary>
    /// The queries as the API runs them: EmbeddingStore.NearestAsync on a CrmDbContext in the workspace's session
    /// (exact up to EmbeddingStore.ExactSearchUpTo vectors, the HNSW index beyond).
    /// </summary>
    private static async Task<Result> StoreQueryAsync(NpgsqlDataSource db, Guid workspace, float[][] queries)
    {
        await using var context = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(db).Options);
        context.UseSession(new TenantSession(workspace, null));
        var times = new List<double>();
        var ids = new List<List<Guid>>();
        for (var i = 0; i < queries.Length; i++)
        {
            var timer = Stopwatch.StartNew();
            var found = await EmbeddingStore.NearestAsync(context, queries[i], Model, Types, K, CancellationToken.None);
            if (i >= WarmUp)
            {
                times.Add(timer.Elapsed.TotalMilliseconds);
                ids.Add(found.Select(m => m.EntityId).ToList());
            }
        }
        var vectors = (long)(await ScalarAsync(db, $"SELECT count(*) FROM embeddings WHERE workspace_id = '{workspace}'"))!;
        return new Result([.. times], [.. ids], vectors <= EmbeddingStore.ExactSearchUpTo ? "exact (embeddings_model + sort)" : "HNSW");
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, float[] query)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("query", query);
        command.Parameters.AddWithValue("model", Model);
        command.Parameters.AddWithValue("types", Types);
        command.Parameters.AddWithValue("limit", K);
        return command;
    }

    private static async Task<List<string>> ReadAllAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines;
    }

    /// <summary>Binary COPY of real[] vectors into a staging table, then one INSERT … SELECT that casts them to vector.</summary>
    private static async Task LoadAsync(NpgsqlDataSource db, Guid workspace, int count, Func<float[]> next)
    {
        await using var connection = await db.OpenConnectionAsync();
        await new NpgsqlCommand("CREATE TEMP TABLE staging (entity_type text, entity_id uuid, v real[])", connection).ExecuteNonQueryAsync();
        var copy = Stopwatch.StartNew();
        await using (var importer = await connection.BeginBinaryImportAsync("COPY staging (entity_type, entity_id, v) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(Types[i % Types.Length], NpgsqlDbType.Text);
                await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(next(), NpgsqlDbType.Array | NpgsqlDbType.Real);
            }
            await importer.CompleteAsync();
        }
        var copied = copy.Elapsed;
        var insert = Stopwatch.StartNew();
        await using var command = new NpgsqlCommand("""
            INSERT INTO embeddings (workspace_id, entity_type, entity_id, model, dimensions, content_hash, embedding)
            SELECT @workspace, entity_type, entity_id, @model, 100, md5(entity_id::text), v::vector FROM staging
            """, connection);
        command.Parameters.AddWithValue("workspace", workspace);
        command.Parameters.AddWithValue("model", Model);
        await command.ExecuteNonQueryAsync();
        Console.WriteLine($"  {count:N0} rows: COPY (with generation) {copied.TotalSeconds:F1} s, INSERT … SELECT {insert.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>SIF embeddings of generated texts (a text without a known word would be the zero vector: skipped).</summary>
    private static Func<float[]> SifSource(SifEmbeddingGenerator sif)
    {
        var texts = new Texts(seed: 11);
        return () =>
        {
            while (true)
            {
                var vector = sif.Embed(texts.Next());
                if (vector.Any(x => x != 0))
                {
                    return vector;
                }
            }
        };
    }

    /// <summary>Unit vectors around 2,000 random centres (a Gaussian mixture of σ 0.6/√d per coordinate around unit centres).</summary>
    private static Func<float[]> MixtureSource(int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 2_000).Select(_ => Normalise(Enumerable.Range(0, Dimensions).Select(_ => Gaussian(random)).ToArray())).ToArray();
        var sigma = 0.6 / Math.Sqrt(Dimensions);
        return () =>
        {
            var centre = centres[random.Next(centres.Length)];
            return Normalise(centre.Select(c => c + sigma * Gaussian(random)).ToArray());
        };
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static float[] Normalise(double[] v)
    {
        var length = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x / length)).ToArray();
    }

    private static Func<float[]> AsFunc(this IEnumerator<float[]> items) => () => items.MoveNext() ? items.Current : throw new InvalidOperationException("no more vectors");

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql) => await db.CreateCommand(sql).ExecuteNonQueryAsync();

    private static async Task<object?> ScalarAsync(NpgsqlDataSource db, string sql) => await db.CreateCommand(sql).ExecuteScalarAsync();

    public static double Percentile(IReadOnlyCollection<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }
}
