using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Idempotency;

/// <summary>
/// The first response to a POST sent with an <c>Idempotency-Key</c>, replayed when the same user sends the key again.
/// Keys are per workspace and user.
/// </summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public Guid WorkspaceId { get; set; }

    /// <summary>The caller who sent the key: another member's same key is another request.</summary>
    public Guid UserId { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 (hex) of the method, path and body of the first request: the same key with another request is refused.</summary>
    public required string RequestFingerprint { get; set; }

    public int ResponseStatus { get; set; }

    /// <summary>The response's JSON body (jsonb), if it had one.</summary>
    public string? ResponseBody { get; set; }

    public string? ResponseLocation { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.WorkspaceId, r.UserId, r.Key });
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.UserId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId);
        builder.Property(r => r.RequestFingerprint).IsFixedLength();
        builder.Property(r => r.ResponseBody).HasColumnType("jsonb");
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}
