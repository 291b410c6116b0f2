using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Territories;

/// <summary>
/// A part of the market a team covers (seed 003's territories), in a hierarchy without cycles; companies belong to at
/// most one. Workspace configuration: every member sees every territory, so it has no owner (its manager is a member
/// like any other).
/// </summary>
public sealed class Territory : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live territories.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public TerritoryType TerritoryType { get; set; } = TerritoryType.Geographic;

    public Guid? ParentTerritoryId { get; set; }

    public Guid? ManagerId { get; set; }

    /// <summary>A JSON object (jsonb): which companies the territory covers (countries, industries, sizes, revenue).</summary>
    public string Rules { get; set; } = "{}";

    public bool IsActive { get; set; } = true;

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TerritoryType>))]
public enum TerritoryType
{
    Geographic,
    Industry,
    AccountSize,
    Product,
    Custom,
}

internal sealed class TerritoryConfiguration : IEntityTypeConfiguration<Territory>
{
    public void Configure(EntityTypeBuilder<Territory> builder)
    {
        builder.ToTable("territories");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.ManagerId);
        builder.HasOne<Territory>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.ParentTerritoryId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(t => t.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(t => t.TerritoryType).HasConversion<SnakeCaseEnumConverter<TerritoryType>>();
        builder.Property(t => t.Rules).HasColumnType("jsonb");
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
    }
}
