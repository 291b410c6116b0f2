using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Records;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tags;

/// <summary>
/// A label members put on records (seed 001's tags). Workspace configuration: every member sees every tag, so it has no
/// owner.
/// </summary>
public sealed class Tag : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live tags.</summary>
    public required string Name { get; set; }

    /// <summary>#RRGGBB, upper-case.</summary>
    public string Color { get; set; } = "#808080";

    public string? Description { get; set; }

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>
/// A tag on one record of any object type (seed 001's contact_tags, seed 000's deal_tag). The record is named by type
/// and id, so no foreign key guards it: whoever adds a tagging checks the record exists in the workspace.
/// </summary>
public sealed class Tagging : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid TagId { get; set; }

    public ObjectType EntityType { get; set; }

    public Guid EntityId { get; set; }

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> builder)
    {
        builder.ToTable("tags");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.HasAlternateKey(t => new { t.WorkspaceId, t.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(t => t.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(t => t.Color).IsFixedLength();
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class TaggingConfiguration : IEntityTypeConfiguration<Tagging>
{
    public void Configure(EntityTypeBuilder<Tagging> builder)
    {
        builder.ToTable("taggings");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.HasOne<Tag>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.TagId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.CreatedBy);
        builder.HasIndex(t => new { t.WorkspaceId, t.TagId, t.EntityType, t.EntityId }).IsUnique();
        builder.Property(t => t.EntityType).HasConversion<SnakeCaseEnumConverter<ObjectType>>();
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
    }
}
