using System.Text.Json.Nodes;
using Crm.Domain.Imports;

namespace Crm.Api.Features.Imports;

/// <summary>An import job: what it imports, how, and how far it has got (the counts move after every chunk).</summary>
public sealed record ImportJobResponse(
    Guid Id,
    string ObjectType,
    string FileName,
    long FileSize,
    ImportJobStatus Status,
    ImportDedupePolicy Dedupe,
    JsonObject Mapping,
    int? RowsTotal,
    int RowsProcessed,
    int RowsCreated,
    int RowsUpdated,
    int RowsSkipped,
    int RowsFailed,
    string? ErrorMessage,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public static ImportJobResponse From(ImportJob job) => new(
        job.Id, job.ObjectType, job.FileName, job.FileSize, job.Status, job.DedupePolicy, JsonNode.Parse(job.Mapping)!.AsObject(),
        job.RowsTotal, job.RowsProcessed, job.RowsCreated, job.RowsUpdated, job.RowsSkipped, job.RowsFailed, job.ErrorMessage,
        job.CreatedBy, job.CreatedAt, job.StartedAt, job.FinishedAt);
}

/// <summary>A row of the file that was not imported: failed (why, per field at fault) or skipped (a duplicate).</summary>
public sealed record ImportRowErrorResponse(
    Guid Id, int Row, string? Column, string? Field, string? Value, string Message, ImportRowOutcome Outcome)
{
    public static ImportRowErrorResponse From(ImportJobError e) => new(e.Id, e.RowNumber, e.ColumnName, e.Field, e.Value, e.Message, e.Outcome);
}

/// <summary>The multipart/form-data body of <c>POST /api/v1/imports</c>, as OpenAPI describes it.</summary>
/// <param name="File">The CSV file: UTF-8, with a header row.</param>
/// <param name="ObjectType">What the rows are: contacts or companies.</param>
/// <param name="Mapping">Optional JSON object {"CSV header": "apiField"}; null or "" leaves a column out. Other headers fill the field of their name.</param>
/// <param name="Dedupe">skip (the default) or update: what a row does whose email (contacts) or domain (companies) a live record has.</param>
public sealed record ImportUploadForm(IFormFile File, string ObjectType, string? Mapping, string? Dedupe);
