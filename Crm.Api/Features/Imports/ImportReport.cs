using Crm.Domain.Imports;

namespace Crm.Api.Features.Imports;

/// <summary>A record of the file, read into the resource's input fields.</summary>
internal sealed record ImportRow(int Number, ImportRowValues Values);

/// <summary>
/// The outcome of one chunk's rows: how many were created, updated, skipped and failed, and the report rows
/// (<see cref="ImportJobError"/>) of those not imported, which are saved with the chunk.
/// </summary>
internal sealed class ImportReport(ImportJob job)
{
    /// <summary>What the report keeps of a cell: enough to find it in the file (the column <c>value</c> holds 200).</summary>
    public const int MaxValueLength = 200;

    private const int MaxColumnLength = 255;

    public int Created { get; private set; }

    public int Updated { get; private set; }

    public int Skipped { get; private set; }

    public int Failed { get; private set; }

    public int Processed => Created + Updated + Skipped + Failed;

    public List<ImportJobError> Issues { get; } = [];

    public void AddCreated(int count) => Created += count;

    public void AddUpdated(int count) => Updated += count;

    /// <summary>A row that could not be read at all (malformed, wrong number of fields).</summary>
    public void Fail(int row, string message)
    {
        Failed++;
        Issues.Add(Issue(row, null, null, message, ImportRowOutcome.Failed));
    }

    /// <summary>A row refused by the resource's rules: one report row per field at fault, the row counted once.</summary>
    public void Fail(ImportRow row, IDictionary<string, string[]> errors)
    {
        Failed++;
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                Issues.Add(Issue(row.Number, field, row.Values.Cells.GetValueOrDefault(field), message, ImportRowOutcome.Failed));
            }
        }
    }

    public void Fail(ImportRow row, string? field, string message)
    {
        Failed++;
        Issues.Add(Issue(row.Number, field, field is null ? null : row.Values.Cells.GetValueOrDefault(field), message, ImportRowOutcome.Failed));
    }

    public void Skip(ImportRow row, string? field, string message)
    {
        Skipped++;
        Issues.Add(Issue(row.Number, field, field is null ? null : row.Values.Cells.GetValueOrDefault(field), message, ImportRowOutcome.Skipped));
    }

    private ImportJobError Issue(int row, string? field, ImportCell? cell, string message, ImportRowOutcome outcome) => new()
    {
        WorkspaceId = job.WorkspaceId,
        JobId = job.Id,
        RowNumber = row,
        ColumnName = Excerpt(cell?.Column, MaxColumnLength),
        Field = field,
        Value = Excerpt(cell?.Text, MaxValueLength),
        Message = message,
        Outcome = outcome,
    };

    /// <summary>
    /// The beginning of a text, storable: not cut inside a surrogate pair, and without NUL, which PostgreSQL text
    /// cannot hold but a file may (its row fails for it).
    /// </summary>
    private static string? Excerpt(string? text, int length)
    {
        if (text is null)
        {
            return null;
        }
        if (text.Length > length)
        {
            text = text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
        }
        return text.Replace('\0', '\uFFFD');
    }
}
