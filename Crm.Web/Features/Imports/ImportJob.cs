using System.Text.Json.Nodes;

namespace Crm.Web.Features.Imports;

/// <summary>A CSV import job (<c>GET /api/v1/imports/{id}</c>): what it read, how far it got, what it made.</summary>
public sealed record ImportJob(
    Guid Id, string ObjectType, string FileName, long FileSize, string Status, string Dedupe, JsonObject? Mapping,
    long? RowsTotal, long RowsProcessed, long RowsCreated, long RowsUpdated, long RowsSkipped, long RowsFailed,
    string? ErrorMessage, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>Completed, failed or cancelled: nothing changes any more.</summary>
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";

    public int Percent => RowsTotal is > 0 ? (int)Math.Min(100, RowsProcessed * 100 / RowsTotal.Value) : IsFinished ? 100 : 0;
}

/// <summary>A row the import did not take (<c>GET /api/v1/imports/{id}/errors</c>): one entry per field at fault.</summary>
public sealed record ImportRowError(long Row, string? Column, string? Field, string? Value, string Message, string Outcome);
