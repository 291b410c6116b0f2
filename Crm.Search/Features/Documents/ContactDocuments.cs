using Crm.Domain;
using Crm.Domain.Outbox;
using Crm.Domain.Records;
using Crm.Domain.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Search.Features.Documents;

/// <summary>A contact: found by name, email, phone and company; shows its title and company.</summary>
public sealed class ContactDocuments : DocumentSource<ContactDocuments.Row>
{
    public override string Type => SearchTypes.Contact;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids)
    {
        var tags = TagNames(db, ObjectType.Contact);
        return db.Contacts
            .Where(c => c.DeletedAt == null && (ids == null || ids.Contains(c.Id)))
            .Select(c => new Row(
                c.WorkspaceId, c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Mobile, c.Title, c.Department, c.City,
                c.Country, db.Companies.Where(co => co.Id == c.CompanyId && co.DeletedAt == null).Select(co => co.Name).FirstOrDefault(),
                c.OwnerId, string.Join(TagSeparator, tags.Where(t => t.EntityId == c.Id).Select(t => t.Name)), c.UpdatedAt));
    }

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: Name(row.FirstName, row.LastName, row.Email),
        Subtitle: Line(row.Title, row.CompanyName),
        Keywords: Keywords(row.Email, DomainOf(row.Email), row.Phone, DigitsOf(row.Phone), row.Mobile, DigitsOf(row.Mobile), row.CompanyName),
        Body: Line(row.Department, row.City, row.Country),
        row.OwnerId, StageId: null, SplitTags(row.Tags), row.UpdatedAt);

    /// <summary>A company renamed, deleted or restored changes its contacts' documents.</summary>
    public override async Task<IReadOnlyList<Guid>> DependentsAsync(CrmDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var companies = ChangedIds(events, OutboxEntityTypes.Company, "name");
        return companies.Length == 0
            ? []
            : await db.Contacts.Where(c => c.CompanyId != null && companies.Contains(c.CompanyId.Value) && c.DeletedAt == null)
                .Select(c => c.Id).ToListAsync(cancellationToken);
    }

    public sealed record Row(
        Guid WorkspaceId, Guid Id, string? FirstName, string? LastName, string? Email, string? Phone, string? Mobile,
        string? Title, string? Department, string? City, string? Country, string? CompanyName, Guid? OwnerId, string? Tags,
        DateTimeOffset UpdatedAt);
}
