using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Identity;

/// <summary>
/// A key an integration authenticates with (DESIGN.md section 7): it acts for its workspace as its creator, with at most
/// <see cref="Role"/> (and never more than the creator's current role) and only what its <see cref="Scopes"/> allow.
/// Only the SHA-256 of its secret is stored; revoked keys stay, for the audit trail.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    /// <summary>The key's first characters, shown to tell keys apart.</summary>
    public required string KeyPrefix { get; set; }

    public required byte[] KeyHash { get; set; }

    public List<ApiKeyScope> Scopes { get; set; } = [];

    public MemberRole Role { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: the key does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Updated at most once a minute, so a busy integration does not write on every request.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedBy { get; set; }
}

/// <summary>What a key may do: read records, or read and write them. Management (members, keys) is never a key's.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ApiKeyScope>))]
public enum ApiKeyScope
{
    Read,
    Write,
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(k => k.WorkspaceId);
        builder.Property(k => k.Role).HasConversion<SnakeCaseEnumConverter<MemberRole>>();
        builder.PrimitiveCollection(k => k.Scopes).ElementType(e => e.HasConversion<SnakeCaseEnumConverter<ApiKeyScope>>());
    }
}
