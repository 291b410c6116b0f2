using System.Globalization;
using Crm.Domain;
using Crm.Domain.Outbox;
using Crm.Domain.Records;
using Crm.Domain.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Search.Features.Documents;

/// <summary>A deal: found by name, company and contact; shows its value and stage; faceted by stage.</summary>
public sealed class DealDocuments : DocumentSource<DealDocuments.Row>
{
    public override string Type => SearchTypes.Deal;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids)
    {
        var tags = TagNames(db, ObjectType.Deal);
        return db.Deals
            .Where(d => d.DeletedAt == null && (ids == null || ids.Contains(d.Id)))
            .Select(d => new Row(
                d.WorkspaceId, d.Id, d.Name, d.Value, d.Currency, d.StageId,
                db.PipelineStages.Where(s => s.Id == d.StageId).Select(s => s.Name).FirstOrDefault(),
                db.Companies.Where(c => c.Id == d.CompanyId && c.DeletedAt == null).Select(c => c.Name).FirstOrDefault(),
                db.Contacts.Where(c => c.Id == d.ContactId && c.DeletedAt == null).Select(c => (c.FirstName ?? "") + " " + (c.LastName ?? "")).FirstOrDefault(),
                d.Description, d.NextStep, d.Competitor, d.OwnerId,
                string.Join(TagSeparator, tags.Where(t => t.EntityId == d.Id).Select(t => t.Name)), d.UpdatedAt));
    }

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: row.Name,
        Subtitle: Line(row.Value.ToString("N0", CultureInfo.InvariantCulture) + " " + row.Currency, row.StageName, row.CompanyName),
        Keywords: Keywords(row.CompanyName, row.ContactName, row.Competitor),
        Body: Line(row.Description, row.NextStep),
        row.OwnerId, row.StageId, SplitTags(row.Tags), row.UpdatedAt);

    /// <summary>Its company or contact renamed, or its pipeline's stages renamed, changes a deal's document.</summary>
    public override async Task<IReadOnlyList<Guid>> DependentsAsync(CrmDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var companies = ChangedIds(events, OutboxEntityTypes.Company, "name");
        var contacts = ChangedIds(events, OutboxEntityTypes.Contact, "first_name", "last_name");
        var pipelines = ChangedIds(events, OutboxEntityTypes.Pipeline, "stages");
        if (companies.Length + contacts.Length + pipelines.Length == 0)
        {
            return [];
        }
        return await db.Deals
            .Where(d => d.DeletedAt == null &&
                        ((d.CompanyId != null && companies.Contains(d.CompanyId.Value)) ||
                         (d.ContactId != null && contacts.Contains(d.ContactId.Value)) ||
                         pipelines.Contains(d.PipelineId)))
            .Select(d => d.Id).ToListAsync(cancellationToken);
    }

    public sealed record Row(
        Guid WorkspaceId, Guid Id, string Name, decimal Value, string Currency, Guid StageId, string? StageName,
        string? CompanyName, string? ContactName, string? Description, string? NextStep, string? Competitor,
        Guid? OwnerId, string? Tags, DateTimeOffset UpdatedAt);
}
