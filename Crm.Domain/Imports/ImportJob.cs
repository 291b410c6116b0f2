using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Imports;

/// <summary>
/// A CSV file being imported into one resource (seed 003's contact_import_jobs, generalised): its mapping, its progress
/// (the row counts, updated after every chunk) and the lease of the worker running it.
/// </summary>
public sealed class ImportJob : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The resource as the API names it: "contacts", "companies".</summary>
    public required string ObjectType { get; set; }

    public required string FileName { get; set; }

    public long FileSize { get; set; }

    public ImportJobStatus Status { get; set; } = ImportJobStatus.Queued;

    /// <summary>A JSON object (jsonb): every CSV header of the file and the API field it fills, or null.</summary>
    public string Mapping { get; set; } = "{}";

    public ImportDedupePolicy DedupePolicy { get; set; } = ImportDedupePolicy.Skip;

    /// <summary>Null until the worker has read the file.</summary>
    public int? RowsTotal { get; set; }

    public int RowsProcessed { get; set; }

    public int RowsCreated { get; set; }

    public int RowsUpdated { get; set; }

    public int RowsSkipped { get; set; }

    public int RowsFailed { get; set; }

    /// <summary>Why a failed job failed.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The claim of the worker running the job; a new one per claim.</summary>
    public Guid? LeaseToken { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>How many times a worker has claimed the job.</summary>
    public int Attempts { get; set; }

    /// <summary>The member who uploaded the file; the job runs with their access.</summary>
    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>The uploaded file of an unfinished <see cref="ImportJob"/>.</summary>
public sealed class ImportJobFile : ITenantOwned
{
    public Guid JobId { get; set; }

    public Guid WorkspaceId { get; set; }

    public required byte[] Content { get; set; }
}

/// <summary>A row of the file that was not imported, and why; one per field at fault.</summary>
public sealed class ImportJobError : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid JobId { get; set; }

    /// <summary>As a spreadsheet numbers the file's rows: the header is row 1, the first record row 2.</summary>
    public int RowNumber { get; set; }

    /// <summary>The CSV header of the cell at fault, when one is.</summary>
    public string? ColumnName { get; set; }

    /// <summary>The API field at fault, when one is.</summary>
    public string? Field { get; set; }

    /// <summary>The beginning of the cell at fault.</summary>
    public string? Value { get; set; }

    public required string Message { get; set; }

    public ImportRowOutcome Outcome { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ImportJobStatus>))]
public enum ImportJobStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>What a row does whose email (contacts) or domain (companies) a live record already has.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ImportDedupePolicy>))]
public enum ImportDedupePolicy
{
    /// <summary>Leave the record as it is; the row is skipped.</summary>
    Skip,

    /// <summary>Write the row's non-empty cells onto the record.</summary>
    Update,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ImportRowOutcome>))]
public enum ImportRowOutcome
{
    Failed,
    Skipped,
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.ToTable("import_jobs");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(j => j.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(j => j.CreatedBy);
        builder.HasAlternateKey(j => new { j.WorkspaceId, j.Id });
        builder.Property(j => j.Status).HasConversion<SnakeCaseEnumConverter<ImportJobStatus>>();
        builder.Property(j => j.DedupePolicy).HasConversion<SnakeCaseEnumConverter<ImportDedupePolicy>>();
        builder.Property(j => j.Mapping).HasColumnType("jsonb");
        builder.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class ImportJobFileConfiguration : IEntityTypeConfiguration<ImportJobFile>
{
    public void Configure(EntityTypeBuilder<ImportJobFile> builder)
    {
        builder.ToTable("import_job_files");
        builder.HasKey(f => f.JobId);
        builder.HasOne<ImportJob>().WithOne().HasForeignKey<ImportJobFile>(f => new { f.WorkspaceId, f.JobId })
            .HasPrincipalKey<ImportJob>(j => new { j.WorkspaceId, j.Id }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ImportJobErrorConfiguration : IEntityTypeConfiguration<ImportJobError>
{
    public void Configure(EntityTypeBuilder<ImportJobError> builder)
    {
        builder.ToTable("import_job_errors");
        builder.HasOne<ImportJob>().WithMany().HasForeignKey(e => new { e.WorkspaceId, e.JobId })
            .HasPrincipalKey(j => new { j.WorkspaceId, j.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.Outcome).HasConversion<SnakeCaseEnumConverter<ImportRowOutcome>>();
        builder.Property(e => e.CreatedAt).HasDefaultValueSql("now()");
    }
}
