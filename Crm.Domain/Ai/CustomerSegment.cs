using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Ai;

/// <summary>
/// A named group of customers (seed 000's customer_segments, migration 0019): an RFM segment ("Champions") or a k-means
/// cluster of behaviour. Keeps its id across refreshes: it is found again by <see cref="SegmentType"/> and <see cref="Key"/>.
/// </summary>
public sealed class CustomerSegment : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public SegmentType SegmentType { get; set; }

    /// <summary>Stable within the type: "champions", "cluster-2".</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>What puts a customer in it (jsonb): RFM score ranges, or a cluster's centroid.</summary>
    public string Criteria { get; set; } = "{}";

    public string? CriteriaDescription { get; set; }

    public int CustomerCount { get; set; }

    public decimal TotalDealValue { get; set; }

    public decimal AvgDealValue { get; set; }

    /// <summary>The share of its customers' closed deals that were won.</summary>
    public decimal ConversionRate { get; set; }

    public string Insights { get; set; } = "{}";

    public decimal RiskScore { get; set; }

    public decimal OpportunityScore { get; set; }

    /// <summary>False once a refresh no longer produces it (kept for its id and history).</summary>
    public bool IsActive { get; set; } = true;

    public DateTimeOffset RefreshedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A customer (a company, or a contact buying without one) in a segment, with its own scores.</summary>
public sealed class CustomerSegmentMember : ITenantOwned
{
    public Guid WorkspaceId { get; set; }

    public Guid SegmentId { get; set; }

    public required string EntityType { get; set; }

    public Guid EntityId { get; set; }

    public decimal ChurnRisk { get; set; }

    public decimal OpportunityScore { get; set; }

    /// <summary>The customer's features (jsonb): recency, frequency, monetary value, RFM code, activity counts.</summary>
    public string Features { get; set; } = "{}";

    public DateTimeOffset AssignedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<SegmentType>))]
public enum SegmentType
{
    /// <summary>Recency, frequency and monetary quintiles, named by the usual RFM segment map.</summary>
    Rfm,

    /// <summary>A k-means cluster of standardised behaviour features.</summary>
    Behavioral,
}

internal sealed class CustomerSegmentConfiguration : IEntityTypeConfiguration<CustomerSegment>
{
    public void Configure(EntityTypeBuilder<CustomerSegment> builder)
    {
        builder.ToTable("customer_segments");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId);
        builder.HasAlternateKey(s => new { s.WorkspaceId, s.Id });
        builder.HasIndex(s => new { s.WorkspaceId, s.SegmentType, s.Key }).IsUnique();
        builder.Property(s => s.SegmentType).HasConversion<SnakeCaseEnumConverter<SegmentType>>();
        builder.Property(s => s.Criteria).HasColumnType("jsonb");
        builder.Property(s => s.Insights).HasColumnType("jsonb");
        builder.Property(s => s.TotalDealValue).HasPrecision(15, 2);
        builder.Property(s => s.AvgDealValue).HasPrecision(15, 2);
        builder.Property(s => s.ConversionRate).HasPrecision(5, 4);
        builder.Property(s => s.RiskScore).HasPrecision(5, 4);
        builder.Property(s => s.OpportunityScore).HasPrecision(5, 4);
        builder.Property(s => s.RefreshedAt).HasDefaultValueSql("now()");
        builder.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class CustomerSegmentMemberConfiguration : IEntityTypeConfiguration<CustomerSegmentMember>
{
    public void Configure(EntityTypeBuilder<CustomerSegmentMember> builder)
    {
        builder.ToTable("customer_segment_members");
        builder.HasKey(m => new { m.WorkspaceId, m.SegmentId, m.EntityType, m.EntityId });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
        builder.HasOne<CustomerSegment>().WithMany().HasForeignKey(m => new { m.WorkspaceId, m.SegmentId })
            .HasPrincipalKey(s => new { s.WorkspaceId, s.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.ChurnRisk).HasPrecision(5, 4);
        builder.Property(m => m.OpportunityScore).HasPrecision(5, 4);
        builder.Property(m => m.Features).HasColumnType("jsonb");
        builder.Property(m => m.AssignedAt).HasDefaultValueSql("now()");
    }
}
