using System.Globalization;
using Crm.Domain;
using Crm.Domain.Activities;
using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

/// <summary>An activity (call, email, meeting …): found by subject, description and outcome.</summary>
public sealed class ActivityDocuments : DocumentSource<ActivityDocuments.Row>
{
    public override string Type => SearchTypes.Activity;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids) =>
        db.Activities
            .Where(a => a.DeletedAt == null && (ids == null || ids.Contains(a.Id)))
            .Select(a => new Row(
                a.WorkspaceId, a.Id, a.Type, a.Subject, a.Description, a.Outcome, a.OutcomeNotes, a.Location,
                a.OccurredAt, a.OwnerId, a.UpdatedAt));

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: row.Subject,
        Subtitle: Line(row.Type.ToString(), row.OccurredAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        Keywords: Keywords(row.Location),
        Body: Line(row.Description, row.Outcome, row.OutcomeNotes),
        row.OwnerId, StageId: null, Tags: [], row.UpdatedAt);

    public sealed record Row(
        Guid WorkspaceId, Guid Id, ActivityType Type, string Subject, string? Description, string? Outcome,
        string? OutcomeNotes, string? Location, DateTimeOffset OccurredAt, Guid? OwnerId, DateTimeOffset UpdatedAt);
}
