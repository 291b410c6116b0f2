using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Crm.Domain.Ai;

/// <summary>A record's vector as the worker stores it: made by <paramref name="Model"/> from text of <paramref name="ContentHash"/>.</summary>
public sealed record StoredEmbedding(string EntityType, Guid EntityId, string Model, string ContentHash, float[] Vector);

/// <summary>A record near a query vector or another record, by cosine similarity (1: the same direction).</summary>
public sealed record EmbeddingMatch(string EntityType, Guid EntityId, double Similarity);

/// <summary>
/// The embeddings table (migration 0019) through the connection of a <see cref="CrmDbContext"/> acting for one
/// workspace: row-level security keeps every read and write in that workspace. Vectors travel as real[] and are cast
/// to vector(n) in SQL, so the services need no vector type mapping; n is in the SQL text (it is an int we choose, not
/// input) because only then can the planner use that dimension's HNSW index.
/// </summary>
public static class EmbeddingStore
{
    /// <summary>The candidates an HNSW scan keeps (pgvector's hnsw.ef_search): more than the default 40, for recall at k=50.</summary>
    private const int SearchBreadth = 100;

    /// <summary>Up to this many vectors in a workspace, a query reads them all (exact); beyond, it uses the HNSW index.</summary>
    public const int ExactSearchUpTo = 10_000;

    /// <summary>How many index entries an iterative HNSW scan may visit (pgvector's default is 20,000).</summary>
    private const int MaxScanTuples = 100_000;

    private static readonly TimeSpan SizeRecheck = TimeSpan.FromMinutes(5);

    private static readonly ConcurrentDictionary<(Guid Workspace, string Model, int Dimensions), (bool Small, long Until)> SizeChecks = new();

    public static async Task<IReadOnlyDictionary<(string Type, Guid Id), (string Model, string Hash)>> HashesAsync(
        CrmDbContext db, string entityType, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var lease = await LeaseAsync(db, cancellationToken);
        await using var command = Command(db, """
            SELECT entity_type, entity_id, model, content_hash FROM embeddings WHERE entity_type = @type AND entity_id = ANY(@ids)
            """);
        command.Parameters.AddWithValue("type", entityType);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var hashes = new Dictionary<(string, Guid), (string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes[(reader.GetString(0), reader.GetGuid(1))] = (reader.GetString(2), reader.GetString(3));
        }
        return hashes;
    }

    /// <summary>Inserts or replaces the vectors (the session's workspace); makes the HNSW index of a new dimension first.</summary>
    public static async Task UpsertAsync(CrmDbContext db, IReadOnlyList<StoredEmbedding> embeddings, CancellationToken cancellationToken)
    {
        if (embeddings.Count == 0)
        {
            return;
        }
        await using var lease = await LeaseAsync(db, cancellationToken);
        foreach (var dimensions in embeddings.Select(e => e.Vector.Length).Distinct().Where(d => d != 100))
        {
            await using var ensure = Command(db, "SELECT crm_ai_ensure_vector_index(@dims)");
            ensure.Parameters.AddWithValue("dims", dimensions);
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command(db, """
            INSERT INTO embeddings (workspace_id, entity_type, entity_id, model, dimensions, content_hash, embedding, embedded_at)
            SELECT crm_workspace_id(), t.type, t.id, t.model, cardinality(t.vector), t.hash, t.vector::vector, now()
            FROM jsonb_to_recordset(@rows) AS t(type text, id uuid, model text, hash text, vector real[])
            ON CONFLICT (workspace_id, entity_type, entity_id) DO UPDATE
                SET model = excluded.model, dimensions = excluded.dimensions, content_hash = excluded.content_hash,
                    embedding = excluded.embedding, embedded_at = excluded.embedded_at
            """);
        var rows = embeddings.Select(e => new { type = e.EntityType, id = e.EntityId, model = e.Model, hash = e.ContentHash, vector = e.Vector });
        command.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = System.Text.Json.JsonSerializer.Serialize(rows) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DeleteAsync(CrmDbContext db, string entityType, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }
        await using var lease = await LeaseAsync(db, cancellationToken);
        await using var command = Command(db, "DELETE FROM embeddings WHERE entity_type = @type AND entity_id = ANY(@ids)");
        command.Parameters.AddWithValue("type", entityType);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> live records of <paramref name="entityType"/> after <paramref name="after"/> (in
    /// id order) that have no vector of <paramref name="model"/>: what a backfill embeds, a page at a time.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> UnembeddedAsync(
        CrmDbContext db, string entityType, string model, Guid after, int limit, CancellationToken cancellationToken)
    {
        var table = entityType switch
        {
            "contact" => "contacts",
            "company" => "companies",
            "lead" => "leads",
            "deal" => "deals",
            _ => throw new ArgumentOutOfRangeException(nameof(entityType), entityType, "Not a record type with embeddings."),
        };
        await using var lease = await LeaseAsync(db, cancellationToken);
        await using var command = Command(db, $"""
            SELECT r.id FROM {table} r
            WHERE r.deleted_at IS NULL AND r.id > @after
              AND NOT EXISTS (SELECT 1 FROM embeddings e
                              WHERE e.workspace_id = r.workspace_id AND e.entity_type = @type AND e.entity_id = r.id AND e.model = @model)
            ORDER BY r.id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("type", entityType);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>The records nearest to <paramref name="vector"/> among those <paramref name="model"/> embedded, nearest first.</summary>
    /// <remarks>
    /// A workspace with at most <see cref="ExactSearchUpTo"/> vectors of the model is searched exactly: the ordering
    /// expression is not the HNSW index's, so the planner reads the workspace's rows (index embeddings_model) and sorts
    /// them, a few milliseconds. The HNSW index holds every workspace's vectors: for a workspace that is a small share
    /// of them, its scan visits mostly other workspaces' rows and stopped (at hnsw.max_scan_tuples) before finding ten
    /// of its own in bench/README.md ("AI worker"), which made small workspaces slow and their results wrong.
    /// </remarks>
    public static async Task<IReadOnlyList<EmbeddingMatch>> NearestAsync(
        CrmDbContext db, float[] vector, string model, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken)
    {
        var dims = vector.Length.ToString(CultureInfo.InvariantCulture);
        var exact = await IsSmallAsync(db, model, vector.Length, cancellationToken);
        // Exact: compare as plain vectors, which no index orders; approximate: as vector(n), which the HNSW index does.
        var distance = exact ? "embedding <=> @query::vector" : $"embedding::vector({dims}) <=> @query::vector({dims})";
        // The HNSW settings travel in the same round trip as the query (a pooled connection forgets them on return). The
        // iterative scan goes on past other workspaces' rows, which row-level security filters after the index scan.
        await using var lease = await LeaseAsync(db, cancellationToken);
        await using var command = Command(db, $"""
            SELECT set_config('hnsw.iterative_scan', 'relaxed_order', false), set_config('hnsw.ef_search', '{SearchBreadth}', false),
                   set_config('hnsw.max_scan_tuples', '{MaxScanTuples}', false);
            SELECT entity_type, entity_id, 1 - distance FROM (
                SELECT entity_type, entity_id, {distance} AS distance
                FROM embeddings
                WHERE dimensions = {dims} AND model = @model AND entity_type = ANY(@types)
                ORDER BY {distance}
                LIMIT @limit) nearest
            ORDER BY distance, entity_id
            """);
        command.Parameters.AddWithValue("query", vector);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("types", types.ToArray());
        command.Parameters.AddWithValue("limit", limit);
        var matches = new List<EmbeddingMatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            matches.Add(new EmbeddingMatch(reader.GetString(0), reader.GetGuid(1), reader.GetDouble(2)));
        }
        return matches;
    }

    /// <summary>
    /// Whether the session's workspace has at most <see cref="ExactSearchUpTo"/> vectors of the model: counted (up to
    /// that many) at most every <see cref="SizeRecheck"/> per process, since counting costs a large workspace a few
    /// milliseconds per query and sizes change slowly.
    /// </summary>
    private static async Task<bool> IsSmallAsync(CrmDbContext db, string model, int dimensions, CancellationToken cancellationToken)
    {
        var key = (db.Session.WorkspaceId ?? Guid.Empty, model, dimensions);
        var now = Environment.TickCount64;
        if (SizeChecks.TryGetValue(key, out var known) && known.Until > now)
        {
            return known.Small;
        }
        await using var lease = await LeaseAsync(db, cancellationToken);
        await using var count = Command(db,
            $"SELECT count(*) FROM (SELECT 1 FROM embeddings WHERE model = @model AND dimensions = {dimensions} LIMIT {ExactSearchUpTo + 1}) capped");
        count.Parameters.AddWithValue("model", model);
        var small = (long)(await count.ExecuteScalarAsync(cancellationToken))! <= ExactSearchUpTo;
        SizeChecks[key] = (small, now + (long)SizeRecheck.TotalMilliseconds);
        return small;
    }

    /// <summary>
    /// The records nearest to a stored record (itself excluded), among those embedded by the same model; empty when the
    /// record has no vector yet.
    /// </summary>
    public static async Task<IReadOnlyList<EmbeddingMatch>?> SimilarAsync(
        CrmDbContext db, string entityType, Guid entityId, IReadOnlyCollection<string> types, int limit, CancellationToken cancellationToken)
    {
        string model;
        float[] vector;
        await using (var lease = await LeaseAsync(db, cancellationToken))
        await using (var command = Command(db, "SELECT model, embedding::real[] FROM embeddings WHERE entity_type = @type AND entity_id = @id"))
        {
            command.Parameters.AddWithValue("type", entityType);
            command.Parameters.AddWithValue("id", entityId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            model = reader.GetString(0);
            vector = reader.GetFieldValue<float[]>(1);
        }
        var matches = await NearestAsync(db, vector, model, types, limit + 1, cancellationToken);
        return matches.Where(m => !(m.EntityType == entityType && m.EntityId == entityId)).Take(limit).ToList();
    }

    /// <summary>
    /// The context's connection, opened (in its tenant session) if it was not, and closed again when the lease ends if
    /// this opened it. Never left open: a pooled context rented next for another session would otherwise keep this
    /// connection, and its session, since a session is applied when a connection opens.
    /// </summary>
    private static async Task<ConnectionLease> LeaseAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var opened = db.Database.GetDbConnection().State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        return new ConnectionLease(db, opened);
    }

    /// <summary>A command on the (leased, open) connection of the context, in its transaction if it has one.</summary>
    private static NpgsqlCommand Command(CrmDbContext db, string sql) =>
        new(sql, (NpgsqlConnection)db.Database.GetDbConnection())
        {
            Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
        };

    private sealed class ConnectionLease(CrmDbContext db, bool opened) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
