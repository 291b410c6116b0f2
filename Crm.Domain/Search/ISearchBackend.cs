namespace Crm.Domain.Search;

/// <summary>
/// Where the index lives: PostgreSQL full-text (the default) or Elasticsearch (when <c>ConnectionStrings:elasticsearch</c>
/// is set). Both give the same query semantics; the indexer and the rebuild do not know which one they write to.
/// </summary>
public interface ISearchBackend
{
    /// <summary>"postgresql" or "elasticsearch", for logs and metrics.</summary>
    string Name { get; }

    /// <summary>Adds or replaces documents by (workspace, type, id). Idempotent.</summary>
    Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken);

    /// <summary>Removes documents by key; a key that is not indexed is no error.</summary>
    Task DeleteAsync(Guid workspaceId, IReadOnlyList<SearchKey> keys, CancellationToken cancellationToken);

    Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the whole index (every workspace) with <paramref name="documents"/>, so that searches see the old index
    /// until the new one is complete (Elasticsearch: new indexes and an alias swap). Changes made while it runs are
    /// applied again afterwards by replaying the outbox from where the rebuild started.
    /// </summary>
    Task ReplaceAllAsync(IAsyncEnumerable<SearchDocument> documents, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>The keys and fingerprints of a workspace's indexed documents, for the consistency check.</summary>
    IAsyncEnumerable<(SearchKey Key, string Fingerprint)> IndexedAsync(Guid workspaceId, CancellationToken cancellationToken);
}

public readonly record struct SearchKey(string Type, Guid Id);
