using System.Text.Json.Serialization;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Pipelines;
using Crm.Domain.Products;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Deals;

/// <summary>A sales opportunity in a stage of a pipeline (seeds 000, 001 and 003's deals).</summary>
public sealed class Deal : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>At least 0, in <see cref="Currency"/>. With line items, their sum (kept so by the database).</summary>
    public decimal Value { get; set; }

    public string Currency { get; set; } = "USD";

    /// <summary>0-100.</summary>
    public int Probability { get; set; }

    /// <summary>value × probability / 100, computed by the database (a stored generated column).</summary>
    public decimal WeightedValue { get; private set; }

    public DealStatus Status { get; set; } = DealStatus.Open;

    public DealType DealType { get; set; } = DealType.NewBusiness;

    public DealPriority Priority { get; set; } = DealPriority.Medium;

    public Guid PipelineId { get; set; }

    /// <summary>A stage of <see cref="PipelineId"/> (the foreign key includes the pipeline).</summary>
    public Guid StageId { get; set; }

    public DateTimeOffset StageEnteredAt { get; set; }

    public DateOnly? ExpectedCloseDate { get; set; }

    public DateOnly? ActualCloseDate { get; set; }

    public string? WonReason { get; set; }

    /// <summary>Required when <see cref="Status"/> is lost.</summary>
    public string? LostReason { get; set; }

    public string? Competitor { get; set; }

    public string? Source { get; set; }

    public string? NextStep { get; set; }

    public Guid? ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public Guid? OwnerId { get; set; }

    /// <summary>Members following the deal (seed 000's watcher table), checked to be members by the API.</summary>
    public List<Guid> WatcherIds { get; set; } = [];

    /// <summary>A JSON object (jsonb) of the workspace's custom field values.</summary>
    public string CustomFields { get; set; } = "{}";

    public DateTimeOffset? LastActivityAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>
/// A deal's first stage or one change of it (seed 003's deal_stage_history), written by triggers on deals. Append-only.
/// </summary>
public sealed class DealStageChange : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid DealId { get; set; }

    /// <summary>Null for the deal's first stage, when it was created.</summary>
    public Guid? FromStageId { get; set; }

    public Guid ToStageId { get; set; }

    public int? FromProbability { get; set; }

    public int ToProbability { get; set; }

    /// <summary>How long the deal was in <see cref="FromStageId"/>.</summary>
    public long? SecondsInFromStage { get; set; }

    public Guid? ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>
/// A line of a deal (seed 003's deal_products): a product of the catalogue or free text, priced in the deal's currency.
/// The deal's value follows the sum of its lines' totals.
/// </summary>
public sealed class DealLineItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public uint Version { get; set; }

    public Guid DealId { get; set; }

    public Guid? ProductId { get; set; }

    public required string Name { get; set; }

    public string? Sku { get; set; }

    public string? Description { get; set; }

    /// <summary>More than 0.</summary>
    public decimal Quantity { get; set; } = 1;

    public decimal UnitPrice { get; set; }

    /// <summary>0-100.</summary>
    public decimal DiscountPercent { get; set; }

    /// <summary>At least 0.</summary>
    public decimal TaxPercent { get; set; }

    /// <summary>quantity × unit price, less the discount, plus the tax: computed by the database.</summary>
    public decimal Total { get; private set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<DealStatus>))]
public enum DealStatus
{
    Open,
    Won,
    Lost,
    Abandoned,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<DealType>))]
public enum DealType
{
    NewBusiness,
    ExistingBusiness,
    Renewal,
    Upsell,
    CrossSell,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<DealPriority>))]
public enum DealPriority
{
    Low,
    Medium,
    High,
    Urgent,
}

internal sealed class DealConfiguration : IEntityTypeConfiguration<Deal>
{
    public void Configure(EntityTypeBuilder<Deal> builder)
    {
        builder.ToTable("deals");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(d => d.OwnerId);
        builder.HasOne<Pipeline>().WithMany().HasForeignKey(d => new { d.WorkspaceId, d.PipelineId })
            .HasPrincipalKey(p => new { p.WorkspaceId, p.Id });
        builder.HasOne<PipelineStage>().WithMany().HasForeignKey(d => new { d.WorkspaceId, d.PipelineId, d.StageId })
            .HasPrincipalKey(s => new { s.WorkspaceId, s.PipelineId, s.Id });
        builder.HasOne<Contact>().WithMany().HasForeignKey(d => new { d.WorkspaceId, d.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Company>().WithMany().HasForeignKey(d => new { d.WorkspaceId, d.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasAlternateKey(d => new { d.WorkspaceId, d.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(d => d.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(d => d.Value).HasPrecision(15, 2);
        builder.Property(d => d.Currency).IsFixedLength();
        builder.Property(d => d.WeightedValue).HasPrecision(15, 2)
            .HasComputedColumnSql("round(value * probability / 100.0, 2)", stored: true);
        builder.Property(d => d.Status).HasConversion<SnakeCaseEnumConverter<DealStatus>>();
        builder.Property(d => d.DealType).HasConversion<SnakeCaseEnumConverter<DealType>>();
        builder.Property(d => d.Priority).HasConversion<SnakeCaseEnumConverter<DealPriority>>();
        builder.Property(d => d.StageEnteredAt).HasDefaultValueSql("now()");
        builder.Property(d => d.CustomFields).HasColumnType("jsonb");
        builder.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(d => d.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class DealStageChangeConfiguration : IEntityTypeConfiguration<DealStageChange>
{
    public void Configure(EntityTypeBuilder<DealStageChange> builder)
    {
        builder.ToTable("deal_stage_history");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(h => h.WorkspaceId);
        builder.HasOne<Deal>().WithMany().HasForeignKey(h => new { h.WorkspaceId, h.DealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PipelineStage>().WithMany().HasForeignKey(h => new { h.WorkspaceId, h.FromStageId })
            .HasPrincipalKey(s => new { s.WorkspaceId, s.Id });
        builder.HasOne<PipelineStage>().WithMany().HasForeignKey(h => new { h.WorkspaceId, h.ToStageId })
            .HasPrincipalKey(s => new { s.WorkspaceId, s.Id });
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(h => h.ChangedBy);
        builder.Property(h => h.ChangedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class DealLineItemConfiguration : IEntityTypeConfiguration<DealLineItem>
{
    public void Configure(EntityTypeBuilder<DealLineItem> builder)
    {
        builder.ToTable("deal_products");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(l => l.WorkspaceId);
        builder.HasOne<Deal>().WithMany().HasForeignKey(l => new { l.WorkspaceId, l.DealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Product>().WithMany().HasForeignKey(l => new { l.WorkspaceId, l.ProductId })
            .HasPrincipalKey(p => new { p.WorkspaceId, p.Id });
        builder.Property(l => l.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(l => l.Quantity).HasPrecision(12, 2);
        builder.Property(l => l.UnitPrice).HasPrecision(15, 2);
        builder.Property(l => l.DiscountPercent).HasPrecision(5, 2);
        builder.Property(l => l.TaxPercent).HasPrecision(5, 2);
        builder.Property(l => l.Total).HasPrecision(15, 2).HasComputedColumnSql(
            "round(quantity * unit_price * (100 - discount_percent) / 100 * (100 + tax_percent) / 100, 2)", stored: true);
        builder.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(l => l.UpdatedAt).HasDefaultValueSql("now()");
    }
}
