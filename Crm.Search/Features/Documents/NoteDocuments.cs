using Crm.Domain;
using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

/// <summary>A note: found by its text; titled by its first line.</summary>
public sealed class NoteDocuments : DocumentSource<NoteDocuments.Row>
{
    private const int TitleLength = 80;

    public override string Type => SearchTypes.Note;

    protected override IQueryable<Row> Rows(CrmDbContext db, IReadOnlyCollection<Guid>? ids) =>
        db.Notes
            .Where(n => n.DeletedAt == null && (ids == null || ids.Contains(n.Id)))
            .Select(n => new Row(n.WorkspaceId, n.Id, n.Content, n.OwnerId, n.UpdatedAt));

    protected override SearchDocument ToDocument(Row row) => new(
        row.WorkspaceId, Type, row.Id,
        Title: FirstLine(row.Content),
        Subtitle: null,
        Keywords: [],
        Body: row.Content,
        row.OwnerId, StageId: null, Tags: [], row.UpdatedAt);

    private static string FirstLine(string content)
    {
        var line = content.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        line = end >= 0 ? line[..end] : line;
        return line.Length == 0 ? "(empty note)" : line.Length > TitleLength ? string.Concat(line[..TitleLength].TrimEnd(), "…") : line.ToString();
    }

    public sealed record Row(Guid WorkspaceId, Guid Id, string Content, Guid? OwnerId, DateTimeOffset UpdatedAt);
}
