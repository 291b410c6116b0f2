using System.Runtime.CompilerServices;
using Crm.Domain;
using Crm.Domain.Outbox;
using Crm.Domain.Records;
using Crm.Domain.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Search.Features.Documents;

/// <summary>
/// A document source from one query: <see cref="Rows"/> projects the records (one row each, tags included) and
/// <see cref="ToDocument"/> shapes a row into a document.
/// </summary>
public abstract class DocumentSource<TRow> : ISearchDocumentSource
{
    /// <summary>Separates tag names aggregated into one column (a tag name cannot contain it).</summary>
    protected const string TagSeparator = "\u001f";

    public abstract string Type { get; }

    /// <summary>The live records of the session's workspace, all of them or those of <paramref name="ids"/>.</summary>
    protected abstract IQueryable<TRow> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids);

    protected abstract SearchDocument ToDocument(TRow row);

    public async Task<IReadOnlyList<SearchDocument>> LoadAsync(CrmDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? [] : (await Rows(db, ids).ToListAsync(cancellationToken)).Select(ToDocument).ToList();

    public async IAsyncEnumerable<SearchDocument> AllAsync(CrmDbContext db, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in Rows(db, null).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return ToDocument(row);
        }
    }

    public virtual Task<IReadOnlyList<Guid>> DependentsAsync(CrmDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Guid>>([]);

    /// <summary>The ids of records of <paramref name="entityType"/> whose events change <paramref name="columns"/> (or delete or restore them).</summary>
    protected static Guid[] ChangedIds(IReadOnlyList<OutboxEvent> events, string entityType, params string[] columns) =>
        events.Where(e => e.EntityType == entityType &&
                          (e.Action is not OutboxActions.Updated and not OutboxActions.StageChanged and not OutboxActions.Converted ||
                           e.Changed.Intersect(columns).Any()))
              .Select(e => e.EntityId).Distinct().ToArray();

    /// <summary>
    /// The live tags of records of <paramref name="objectType"/>, to aggregate in <see cref="Rows"/>:
    /// <c>string.Join(TagSeparator, tags.Where(t =&gt; t.EntityId == record.Id).Select(t =&gt; t.Name))</c>.
    /// </summary>
    protected static IQueryable<TagName> TagNames(CrmDbContext db, ObjectType objectType) =>
        db.Taggings.Where(t => t.EntityType == objectType)
            .Join(db.Tags.Where(tag => tag.DeletedAt == null), t => t.TagId, tag => tag.Id, (t, tag) => new TagName { EntityId = t.EntityId, Name = tag.Name });

    protected static IReadOnlyList<string> SplitTags(string? tags) =>
        string.IsNullOrEmpty(tags) ? [] : tags.Split(TagSeparator).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The non-empty values, each once.</summary>
    protected static IReadOnlyList<string> Keywords(params string?[] values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).Distinct().ToArray();

    /// <summary>"a · b" of the non-empty parts, or null.</summary>
    protected static string? Line(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray();
        return present.Length == 0 ? null : string.Join(" · ", present);
    }

    /// <summary>A person's name, else the fallback (an email), else a placeholder: a title is never empty.</summary>
    protected static string Name(string? first, string? last, string? fallback) =>
        string.Join(' ', new[] { first, last }.Where(part => !string.IsNullOrWhiteSpace(part))) is { Length: > 0 } name
            ? name
            : fallback ?? "(no name)";

    /// <summary>An email's domain ("acme.com"), so that a search for the domain finds the people at it.</summary>
    protected static string? DomainOf(string? email) => email?.IndexOf('@') is int at and >= 0 ? email[(at + 1)..] : null;

    /// <summary>A phone number's digits alone, so that "5551234567" finds "+1 (555) 123-4567".</summary>
    protected static string? DigitsOf(string? phone) =>
        phone is null ? null : new string(phone.Where(char.IsAsciiDigit).ToArray()) is { Length: > 0 } digits ? digits : null;
}

/// <summary>
/// A tag's name on a record, for <see cref="DocumentSource{TRow}.TagNames"/>. Set by an initializer, not a constructor:
/// EF Core can filter on a member it sees assigned, not on a constructor's argument.
/// </summary>
public sealed class TagName
{
    public Guid EntityId { get; init; }

    public required string Name { get; init; }
}
