using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Crm.Domain;
using Crm.Domain.Search;
using Crm.Domain.Tenancy;
using Crm.Search.Features.Documents;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crm.Search.Features.Indexing;

/// <summary>
/// The index rebuilt from the records of every workspace, and checked against them. One rebuild runs at a time; its
/// progress is logged and readable (<see cref="Status"/>) while it runs.
/// </summary>
public sealed class SearchIndexMaintenance(
    NpgsqlDataSource dataSource,
    IDbContextFactory<CrmDbContext> contexts,
    ISearchBackend backend,
    IEnumerable<ISearchDocumentSource> sources,
    TimeProvider time,
    ILogger<SearchIndexMaintenance> logger)
{
    private readonly Lock _lock = new();
    private RebuildStatus _status = RebuildStatus.NeverRun;

    public RebuildStatus Status
    {
        get { lock (_lock) { return _status; } }
    }

    /// <summary>Starts a rebuild in the background; false if one is running already.</summary>
    public bool TryStartRebuild(CancellationToken stopping)
    {
        lock (_lock)
        {
            if (_status.State == RebuildState.Running)
            {
                return false;
            }
            _status = new RebuildStatus(RebuildState.Running, 0, time.GetUtcNow(), null, null);
        }
        _ = Task.Run(() => RebuildAsync(stopping), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Rewrites every document from the records. Changes made while it runs may be overwritten by the older state it
    /// read, so afterwards the indexer's cursor goes back to where it was when the rebuild started, and it applies
    /// those changes again.
    /// </summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var replayFrom = await IndexerPositionAsync(cancellationToken);
            logger.LogInformation("Search index rebuild started ({Backend}); changes after position {Position} are applied again afterwards",
                backend.Name, replayFrom);
            var lastLogged = TimeSpan.Zero;
            var progress = new Progress<long>(written =>
            {
                lock (_lock)
                {
                    _status = _status with { Documents = written };
                }
                if (stopwatch.Elapsed - lastLogged >= TimeSpan.FromSeconds(5))
                {
                    lastLogged = stopwatch.Elapsed;
                    logger.LogInformation("Search index rebuild: {Documents} documents written ({Rate:F0}/s)",
                        written, written / stopwatch.Elapsed.TotalSeconds);
                }
            });
            await backend.ReplaceAllAsync(AllDocumentsAsync(cancellationToken), progress, cancellationToken);
            await RewindIndexerAsync(replayFrom, cancellationToken);
            lock (_lock)
            {
                _status = _status with { State = RebuildState.Completed, FinishedAt = time.GetUtcNow() };
            }
            logger.LogInformation("Search index rebuild completed: {Documents} documents in {Elapsed:F1} s",
                Status.Documents, stopwatch.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _status = _status with { State = RebuildState.Failed, FinishedAt = time.GetUtcNow(), Error = e.Message };
            }
            logger.LogError(e, "Search index rebuild failed after {Elapsed:F1} s", stopwatch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// Compares a workspace's index with its records: documents missing, documents of records that are gone, and
    /// documents whose content differs from what the record gives now (a fingerprint mismatch).
    /// </summary>
    public async Task<IndexDrift> CheckAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var indexed = new Dictionary<SearchKey, string>();
        await foreach (var (key, fingerprint) in backend.IndexedAsync(workspaceId, cancellationToken))
        {
            indexed[key] = fingerprint;
        }
        var missing = new List<SearchKey>();
        var stale = new List<SearchKey>();
        long records = 0;
        await foreach (var document in WorkspaceDocumentsAsync(workspaceId, cancellationToken))
        {
            records++;
            var key = new SearchKey(document.Type, document.Id);
            if (!indexed.Remove(key, out var fingerprint))
            {
                missing.Add(key);
            }
            else if (fingerprint != document.Fingerprint())
            {
                stale.Add(key);
            }
        }
        return new IndexDrift(workspaceId, records, missing, stale, indexed.Keys.ToList());
    }

    private async IAsyncEnumerable<SearchDocument> AllDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var workspaceId in await WorkspacesAsync(cancellationToken))
        {
            await foreach (var document in WorkspaceDocumentsAsync(workspaceId, cancellationToken))
            {
                yield return document;
            }
        }
    }

    private async IAsyncEnumerable<SearchDocument> WorkspaceDocumentsAsync(Guid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, null));
        foreach (var source in sources)
        {
            await foreach (var document in source.AllAsync(db, cancellationToken))
            {
                yield return document;
            }
        }
    }

    private async Task<List<Guid>> WorkspacesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT * FROM crm_search_workspaces()", connection);
        var workspaces = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            workspaces.Add(reader.GetGuid(0));
        }
        return workspaces;
    }

    private async Task<long> IndexerPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT position FROM outbox_consumers WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", SearchIndexer.ConsumerName);
        return await command.ExecuteScalarAsync(cancellationToken) as long? ?? 0;
    }

    private async Task RewindIndexerAsync(long position, CancellationToken cancellationToken)
    {
        await using var connection = await SearchIndexerSession.OpenAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE outbox_consumers SET position = least(position, @position), updated_at = now() WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", SearchIndexer.ConsumerName);
        command.Parameters.AddWithValue("position", position);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<RebuildState>))]
public enum RebuildState
{
    NeverRun,
    Running,
    Completed,
    Failed,
}

/// <summary>Where the last (or the running) rebuild is: documents written so far, when it started and ended, why it failed.</summary>
public sealed record RebuildStatus(RebuildState State, long Documents, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static readonly RebuildStatus NeverRun = new(RebuildState.NeverRun, 0, null, null, null);
}

/// <summary>What differs between a workspace's index and its records.</summary>
/// <remarks>
/// <c>Records</c>: Live records of the indexed types.<br/>
/// <c>Missing</c>: Records without a document.<br/>
/// <c>Stale</c>: Documents whose content differs from their record's.<br/>
/// <c>Orphaned</c>: Documents of records that are gone.<br/>
/// </remarks>
public sealed record IndexDrift(Guid WorkspaceId, long Records, IReadOnlyList<SearchKey> Missing, IReadOnlyList<SearchKey> Stale, IReadOnlyList<SearchKey> Orphaned)
{
    public bool InSync => Missing.Count == 0 && Stale.Count == 0 && Orphaned.Count == 0;
}
