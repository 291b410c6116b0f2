using System.Net;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Auditing;

/// <summary>One change to a business record, written in the same transaction as the change. Append-only.</summary>
public sealed class AuditLog : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string EntityType { get; set; }

    public Guid EntityId { get; set; }

    public AuditAction Action { get; set; }

    public Guid? ActorUserId { get; set; }

    public Guid? ActorApiKeyId { get; set; }

    /// <summary>JSON objects (jsonb) of the changed fields before and after.</summary>
    public string? OldValues { get; set; }

    public string? NewValues { get; set; }

    public IPAddress? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public string? TraceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(LowerSnakeJsonEnumConverter<AuditAction>))]
public enum AuditAction
{
    Created,
    Updated,
    Deleted,
    Restored,
    StageChanged,
    Converted,
    Merged,
    Imported,

    /// <summary>A tag was put on the record (new values: the tag).</summary>
    Tagged,

    /// <summary>A tag was taken off the record (old values: the tag).</summary>
    Untagged,
}

internal sealed class AuditLogConfiguration : IEntityTypeConfiguration<AuditLog>
{
    public void Configure(EntityTypeBuilder<AuditLog> builder)
    {
        builder.ToTable("audit_logs");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId);
        builder.Property(a => a.Action).HasConversion<SnakeCaseEnumConverter<AuditAction>>();
        builder.Property(a => a.OldValues).HasColumnType("jsonb");
        builder.Property(a => a.NewValues).HasColumnType("jsonb");
        builder.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
    }
}
