using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Products;

/// <summary>
/// An item of the workspace's catalogue that deal line items may name. Workspace configuration like pipelines: every
/// member sees every product, so it has no owner.
/// </summary>
public sealed class Product : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public required string Name { get; set; }

    /// <summary>Unique among the workspace's live products.</summary>
    public string? Sku { get; set; }

    public string? Description { get; set; }

    /// <summary>The list price in <see cref="Currency"/>, at least 0.</summary>
    public decimal UnitPrice { get; set; }

    public string Currency { get; set; } = "USD";

    public string? Category { get; set; }

    public bool IsActive { get; set; } = true;

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId);
        builder.HasAlternateKey(p => new { p.WorkspaceId, p.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(p => p.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(p => p.UnitPrice).HasPrecision(15, 2);
        builder.Property(p => p.Currency).IsFixedLength();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
    }
}
