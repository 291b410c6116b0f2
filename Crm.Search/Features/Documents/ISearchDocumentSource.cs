using Crm.Domain;
using Crm.Domain.Outbox;
using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

/// <summary>
/// How the records of one type become search documents. Adding a type to the index (tickets, emails) is one class
/// deriving from <see cref="DocumentSource{TRow}"/> and a name in <see cref="SearchTypes"/>; the indexer, the rebuild
/// and the consistency check find it by <see cref="Type"/>.
/// </summary>
public interface ISearchDocumentSource
{
    /// <summary>The documents' type (<see cref="SearchTypes"/>), also the entity type of the records' change events.</summary>
    string Type { get; }

    /// <summary>The documents of the live records among <paramref name="ids"/>; deleted or missing ones are absent.</summary>
    Task<IReadOnlyList<SearchDocument>> LoadAsync(CrmDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Every live record's document in the session's workspace, streamed.</summary>
    IAsyncEnumerable<SearchDocument> AllAsync(CrmDbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Records of this type whose documents show data of other records that <paramref name="events"/> changed (a
    /// contact's document carries its company's name): they are indexed again too.
    /// </summary>
    Task<IReadOnlyList<Guid>> DependentsAsync(CrmDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken);
}
