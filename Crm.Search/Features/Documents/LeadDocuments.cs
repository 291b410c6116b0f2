using Crm.Domain;
using Crm.Domain.Leads;
using Crm.Domain.Records;
using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

/// <summary>A lead: found by name, email, phone and company name; shows its title, company and status.</summary>
public sealed class LeadDocuments : DocumentSource<LeadDocuments.Row>
{
    public override string Type => SearchTypes.Lead;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids)
    {
        var tags = TagNames(db, ObjectType.Lead);
        return db.Leads
            .Where(l => l.DeletedAt == null && (ids == null || ids.Contains(l.Id)))
            .Select(l => new Row(
                l.WorkspaceId, l.Id, l.FirstName, l.LastName, l.Email, l.Phone, l.Title, l.CompanyName, l.Website,
                l.Status, l.PainPoints, l.OwnerId,
                string.Join(TagSeparator, tags.Where(t => t.EntityId == l.Id).Select(t => t.Name)), l.UpdatedAt));
    }

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: Name(row.FirstName, row.LastName, row.CompanyName ?? row.Email),
        Subtitle: Line(row.Title, row.CompanyName, row.Status.ToString()),
        Keywords: Keywords(row.Email, DomainOf(row.Email), row.Phone, DigitsOf(row.Phone), row.CompanyName, row.Website),
        Body: row.PainPoints,
        row.OwnerId, StageId: null, SplitTags(row.Tags), row.UpdatedAt);

    public sealed record Row(
        Guid WorkspaceId, Guid Id, string? FirstName, string? LastName, string? Email, string? Phone, string? Title,
        string? CompanyName, string? Website, LeadStatus Status, string? PainPoints, Guid? OwnerId, string? Tags,
        DateTimeOffset UpdatedAt);
}
