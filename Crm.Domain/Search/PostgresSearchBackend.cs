using System.Runtime.CompilerServices;
using System.Text.Json;
using Crm.Domain.Tenancy;
using Npgsql;
using NpgsqlTypes;

namespace Crm.Domain.Search;

/// <summary>
/// The search index in PostgreSQL (migration 0018): weighted tsvectors with a GIN index, typo tolerance through each
/// workspace's vocabulary (pg_trgm), ranking by ts_rank. Queries run in a session of the searched workspace through
/// SECURITY DEFINER functions that filter by that workspace; writes run as the search indexer (crm.worker = 'search').
/// </summary>
public sealed class PostgresSearchBackend(NpgsqlDataSource dataSource) : ISearchBackend
{
    /// <summary>Documents per INSERT when loading many (a rebuild).</summary>
    private const int WriteBatchSize = 500;

    /// <summary>Values per facet in a result.</summary>
    private const int FacetSize = 20;

    /// <summary>A body longer than this is indexed by its beginning: a tsvector has a size limit, and so do results.</summary>
    private const int MaxBodyLength = 20_000;

    public string Name => "postgresql";

    public Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken) =>
        documents.Count == 0 ? Task.CompletedTask : AsIndexerAsync(documents, touch: false, cancellationToken);

    public async Task DeleteAsync(Guid workspaceId, IReadOnlyList<SearchKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }
        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM search_documents d USING unnest(@types, @ids) AS k (type, id)
            WHERE d.workspace_id = @workspace AND d.type = k.type AND d.id = k.id
            """, connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        command.Parameters.AddWithValue("types", keys.Select(k => k.Type).ToArray());
        command.Parameters.AddWithValue("ids", keys.Select(k => k.Id).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Rewrites every document and then removes those the rebuild did not write (records gone since they were
    /// indexed). Searches keep working throughout: each document is replaced in place, never dropped first.
    /// </summary>
    public async Task ReplaceAllAsync(IAsyncEnumerable<SearchDocument> documents, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        DateTimeOffset started;
        await using (var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken))
        await using (var command = new NpgsqlCommand("SELECT clock_timestamp()", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            started = reader.GetFieldValue<DateTimeOffset>(0);
        }

        long written = 0;
        var batch = new List<SearchDocument>(WriteBatchSize);
        await foreach (var document in documents.WithCancellation(cancellationToken))
        {
            batch.Add(document);
            if (batch.Count == WriteBatchSize)
            {
                await AsIndexerAsync(batch, touch: true, cancellationToken);
                progress?.Report(written += batch.Count);
                batch.Clear();
            }
        }
        await AsIndexerAsync(batch, touch: true, cancellationToken);
        progress?.Report(written += batch.Count);

        await using (var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken))
        await using (var command = new NpgsqlCommand("DELETE FROM search_documents WHERE indexed_at < @started", connection))
        {
            command.Parameters.AddWithValue("started", started);
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async IAsyncEnumerable<(SearchKey Key, string Fingerprint)> IndexedAsync(
        Guid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT type, id, fingerprint FROM search_documents WHERE workspace_id = @workspace", connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (new SearchKey(reader.GetString(0), reader.GetGuid(1)), reader.GetString(2));
        }
    }

    public async Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        var query = LexicalQuery.Parse(request.Text);
        var after = SearchCursor.Decode(request.Cursor);
        if (query.IsEmpty)
        {
            return new SearchResults([], new Dictionary<string, IReadOnlyList<SearchFacetValue>>(), null, false);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await new TenantSession(request.WorkspaceId, null).ApplyAsync(connection, cancellationToken);
        query = await WithCorrectionsAsync(connection, request.WorkspaceId, query, cancellationToken);

        await using var command = new NpgsqlCommand(
            """
            WITH matched AS MATERIALIZED (
                SELECT * FROM crm_search_documents(@workspace, @query::tsquery, @exact::tsquery, @types, @owner, @stage,
                                                   @tags, @visible_owners)
            ),
            page AS (
                SELECT type, id, title, subtitle, keywords, body, score FROM matched
                WHERE @after_score::double precision IS NULL OR score < @after_score
                   OR (score = @after_score AND (type, id) > (@after_type, @after_id))
                ORDER BY score DESC, type, id
                LIMIT @take
            ),
            facets AS (
                SELECT 'type' AS facet, type AS value, count(*) AS count FROM matched GROUP BY type
                UNION ALL SELECT 'owner', owner_id::text, count(*) FROM matched WHERE owner_id IS NOT NULL GROUP BY owner_id
                UNION ALL SELECT 'stage', stage_id::text, count(*) FROM matched WHERE stage_id IS NOT NULL GROUP BY stage_id
                UNION ALL SELECT 'tags', tag, count(*) FROM matched, unnest(matched.tags) AS tag GROUP BY tag
            )
            SELECT (SELECT coalesce(jsonb_agg(page ORDER BY score DESC, type, id), '[]') FROM page),
                   (SELECT coalesce(jsonb_agg(facets ORDER BY facet, count DESC, value), '[]') FROM facets)
            """, connection);
        command.Parameters.AddWithValue("workspace", request.WorkspaceId);
        command.Parameters.AddWithValue("query", query.ToTsQuery());
        command.Parameters.AddWithValue("exact", query.ToExactTsQuery());
        command.Parameters.AddWithValue("types", request.Types.ToArray());
        command.Parameters.Add(new NpgsqlParameter<Guid?>("owner", NpgsqlDbType.Uuid) { TypedValue = request.Filters.OwnerId });
        command.Parameters.Add(new NpgsqlParameter<Guid?>("stage", NpgsqlDbType.Uuid) { TypedValue = request.Filters.StageId });
        command.Parameters.AddWithValue("tags", request.Filters.Tags.ToArray());
        command.Parameters.Add(new NpgsqlParameter("visible_owners", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
        {
            Value = request.VisibleOwners is null ? DBNull.Value : request.VisibleOwners.ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter<double?>("after_score", NpgsqlDbType.Double) { TypedValue = after?.Score });
        command.Parameters.Add(new NpgsqlParameter("after_type", NpgsqlDbType.Text) { Value = (object?)after?.Type ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Uuid) { Value = (object?)after?.Id ?? DBNull.Value });
        command.Parameters.AddWithValue("take", request.Limit + 1);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var rows = JsonSerializer.Deserialize<List<MatchedRow>>(reader.GetString(0), RowJson)!;
        var facetRows = JsonSerializer.Deserialize<List<FacetRow>>(reader.GetString(1), RowJson)!;

        var hits = rows.Take(request.Limit).Select(row => ToHit(row, query)).ToList();
        var hasMore = rows.Count > request.Limit;
        var next = hasMore ? new SearchCursor(hits[^1].Score, hits[^1].Type, hits[^1].Id).Encode() : null;
        var facets = facetRows.GroupBy(f => f.Facet).ToDictionary(
            g => g.Key, g => (IReadOnlyList<SearchFacetValue>)g.Take(FacetSize).Select(f => new SearchFacetValue(f.Value, f.Count)).ToList());
        return new SearchResults(hits, facets, next, hasMore);
    }

    private static async Task<LexicalQuery> WithCorrectionsAsync(
        NpgsqlConnection connection, Guid workspaceId, LexicalQuery query, CancellationToken cancellationToken)
    {
        if (query.FuzzyWords.Count == 0)
        {
            return query;
        }
        await using var command = new NpgsqlCommand("SELECT token, term FROM crm_search_similar_terms(@workspace, @tokens)", connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        command.Parameters.AddWithValue("tokens", query.FuzzyWords.ToArray());
        var candidates = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add((reader.GetString(0), reader.GetString(1)));
        }
        return query.WithCorrections(candidates);
    }

    private static SearchHit ToHit(MatchedRow row, LexicalQuery query)
    {
        IEnumerable<string?> fields = [row.Title, row.Subtitle, .. row.Keywords, row.Body];
        var highlights = fields.Select(field => SearchHighlighter.Highlight(field, query)).OfType<string>().ToList();
        return new SearchHit(row.Type, row.Id, row.Title, row.Subtitle, row.Score, highlights);
    }

    /// <summary>Writes documents as the indexer; <paramref name="touch"/> rewrites unchanged ones too (a rebuild marks what it saw).</summary>
    private async Task AsIndexerAsync(IReadOnlyList<SearchDocument> documents, bool touch, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            return;
        }
        // One statement may not write a row twice: the last version of a document wins.
        var rows = documents
            .GroupBy(d => (d.WorkspaceId, d.Type, d.Id)).Select(g => g.Last())
            .Select(d => new IndexedRow(
                d.WorkspaceId, d.Type, d.Id, d.Title, d.Subtitle, d.Keywords, Truncate(d.Body), d.OwnerId, d.StageId, d.Tags,
                d.UpdatedAt, d.Fingerprint(),
                A: SearchText.Fold(d.Title),
                B: SearchText.Fold(string.Join(' ', d.Keywords)),
                C: SearchText.Fold(d.Subtitle + " " + string.Join(' ', d.Tags)),
                D: SearchText.Fold(Truncate(d.Body))))
            .ToList();

        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH documents AS (
                SELECT * FROM jsonb_to_recordset(@documents) AS d (
                    workspace_id uuid, type text, id uuid, title text, subtitle text, keywords text[], body text,
                    owner_id uuid, stage_id uuid, tags text[], updated_at timestamptz, fingerprint text,
                    a text, b text, c text, d text)
            ),
            written AS (
                INSERT INTO search_documents AS s (workspace_id, type, id, title, subtitle, keywords, body, owner_id,
                                                   stage_id, tags, updated_at, fingerprint, search_vector, indexed_at)
                SELECT workspace_id, type, id, title, subtitle, keywords, body, owner_id, stage_id, tags, updated_at,
                       fingerprint,
                       setweight(to_tsvector('simple', a), 'A') || setweight(to_tsvector('simple', b), 'B')
                           || setweight(to_tsvector('simple', c), 'C') || setweight(to_tsvector('simple', d), 'D'),
                       clock_timestamp()
                FROM documents
                ON CONFLICT (workspace_id, type, id) DO UPDATE
                SET title = excluded.title, subtitle = excluded.subtitle, keywords = excluded.keywords,
                    body = excluded.body, owner_id = excluded.owner_id, stage_id = excluded.stage_id,
                    tags = excluded.tags, updated_at = excluded.updated_at, fingerprint = excluded.fingerprint,
                    search_vector = excluded.search_vector, indexed_at = excluded.indexed_at
                WHERE s.fingerprint <> excluded.fingerprint OR @touch
                RETURNING s.workspace_id, s.search_vector
            )
            INSERT INTO search_terms (workspace_id, term)
            SELECT DISTINCT w.workspace_id, t.term FROM written w, unnest(tsvector_to_array(w.search_vector)) AS t (term)
            ON CONFLICT DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("documents", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(rows, RowJson) });
        command.Parameters.AddWithValue("touch", touch);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Truncate(string? body) => body is { Length: > MaxBodyLength } ? body[..MaxBodyLength] : body;

    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private sealed record IndexedRow(
        Guid WorkspaceId, string Type, Guid Id, string Title, string? Subtitle, IReadOnlyList<string> Keywords, string? Body,
        Guid? OwnerId, Guid? StageId, IReadOnlyList<string> Tags, DateTimeOffset UpdatedAt, string Fingerprint,
        string A, string B, string C, string D);

    private sealed record MatchedRow(string Type, Guid Id, string Title, string? Subtitle, string[] Keywords, string? Body, double Score);

    private sealed record FacetRow(string Facet, string Value, long Count);
}
