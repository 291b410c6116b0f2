using Crm.Domain;
using Crm.Domain.Records;
using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

/// <summary>A company: found by name, domain, website, email, phone and account number; shows industry and city.</summary>
public sealed class CompanyDocuments : DocumentSource<CompanyDocuments.Row>
{
    public override string Type => SearchTypes.Company;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids)
    {
        var tags = TagNames(db, ObjectType.Company);
        return db.Companies
            .Where(c => c.DeletedAt == null && (ids == null || ids.Contains(c.Id)))
            .Select(c => new Row(
                c.WorkspaceId, c.Id, c.Name, c.Domain, c.Website, c.Email, c.Phone, c.AccountNumber, c.StockSymbol,
                c.Industry, c.City, c.Country, c.Description, c.OwnerId,
                string.Join(TagSeparator, tags.Where(t => t.EntityId == c.Id).Select(t => t.Name)), c.UpdatedAt));
    }

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: row.Name,
        Subtitle: Line(row.Industry, row.City, row.Country),
        Keywords: Keywords(row.Domain, row.Website, row.Email, row.Phone, DigitsOf(row.Phone), row.AccountNumber, row.StockSymbol),
        Body: row.Description,
        row.OwnerId, StageId: null, SplitTags(row.Tags), row.UpdatedAt);

    public sealed record Row(
        Guid WorkspaceId, Guid Id, string Name, string? Domain, string? Website, string? Email, string? Phone,
        string? AccountNumber, string? StockSymbol, string? Industry, string? City, string? Country, string? Description,
        Guid? OwnerId, string? Tags, DateTimeOffset UpdatedAt);
}
