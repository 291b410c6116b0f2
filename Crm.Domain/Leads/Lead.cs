using System.Text.Json.Serialization;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Leads;

/// <summary>
/// A prospective customer not yet qualified into a contact, company and deal (seeds 003 and 000's leads; migration
/// 0007 says how they were reconciled). Read-only once converted, except for delete and restore.
/// </summary>
public sealed class Lead : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>At least one of <see cref="FirstName"/>, <see cref="LastName"/> and <see cref="CompanyName"/> is set.</summary>
    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    /// <summary>Not unique: the same person may arrive as several leads.</summary>
    public string? Email { get; set; }

    /// <summary>lower(email), computed by the database (a stored generated column): what duplicate lookups compare and index.</summary>
    public string? EmailKey { get; private set; }

    public string? Phone { get; set; }

    /// <summary>Job title.</summary>
    public string? Title { get; set; }

    public string? CompanyName { get; set; }

    public string? Website { get; set; }

    public string? Industry { get; set; }

    public int? EmployeeCount { get; set; }

    public decimal? AnnualRevenue { get; set; }

    /// <summary>ISO 4217 code of the lead's money: <see cref="AnnualRevenue"/> and <see cref="Budget"/>.</summary>
    public string Currency { get; set; } = "USD";

    public string? AddressLine1 { get; set; }

    public string? AddressLine2 { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? Country { get; set; }

    public LeadSource Source { get; set; } = LeadSource.Manual;

    public string? SourceDetail { get; set; }

    public string? Campaign { get; set; }

    public string? UtmSource { get; set; }

    public string? UtmMedium { get; set; }

    public string? UtmCampaign { get; set; }

    public string? UtmTerm { get; set; }

    public string? UtmContent { get; set; }

    public string? ReferrerUrl { get; set; }

    public string? LandingPageUrl { get; set; }

    public DateTimeOffset? FirstTouchAt { get; set; }

    public DateTimeOffset? LastTouchAt { get; set; }

    /// <summary><see cref="LeadStatus.Converted"/> exactly when <see cref="ConvertedAt"/> is set.</summary>
    public LeadStatus Status { get; set; } = LeadStatus.New;

    public QualificationStatus QualificationStatus { get; set; } = QualificationStatus.Unqualified;

    public InterestLevel InterestLevel { get; set; } = InterestLevel.Unknown;

    /// <summary>What the lead means to spend, in <see cref="Currency"/>.</summary>
    public decimal? Budget { get; set; }

    /// <summary>When the lead means to buy, in their words ("Q3", "within 6 months").</summary>
    public string? Timeline { get; set; }

    public bool DecisionMaker { get; set; }

    /// <summary>Needs and pain points, in the lead's words.</summary>
    public string? PainPoints { get; set; }

    /// <summary>0-100; every change is kept in <see cref="LeadScoreChange"/> rows.</summary>
    public int Score { get; set; }

    public DateTimeOffset? ScoreUpdatedAt { get; set; }

    /// <summary>A letter from A to F.</summary>
    public string? Grade { get; set; }

    /// <summary>A JSON object (jsonb) of the workspace's custom field values.</summary>
    public string CustomFields { get; set; } = "{}";

    public Guid? OwnerId { get; set; }

    public DateTimeOffset? LastActivityAt { get; set; }

    public DateTimeOffset? NextActivityAt { get; set; }

    public DateTimeOffset? ConvertedAt { get; set; }

    public Guid? ConvertedBy { get; set; }

    public Guid? ConvertedContactId { get; set; }

    public Guid? ConvertedCompanyId { get; set; }

    public Guid? ConvertedDealId { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<LeadSource>))]
public enum LeadSource
{
    Manual,
    Website,
    Referral,
    Email,
    ColdCall,
    Social,
    Advertising,
    Event,
    Partner,
    Import,
    Api,
    Linkedin,
    Other,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<LeadStatus>))]
public enum LeadStatus
{
    New,
    Contacted,
    Working,
    Qualified,
    Unqualified,
    Converted,
    Lost,
    Archived,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<QualificationStatus>))]
public enum QualificationStatus
{
    Unqualified,
    MarketingQualified,
    SalesQualified,
    SalesAccepted,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<InterestLevel>))]
public enum InterestLevel
{
    Unknown,
    Low,
    Medium,
    High,
    VeryHigh,
}

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> builder)
    {
        builder.ToTable("leads");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(l => l.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(l => l.OwnerId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(l => l.ConvertedBy);
        builder.HasOne<Contact>().WithMany().HasForeignKey(l => new { l.WorkspaceId, l.ConvertedContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Company>().WithMany().HasForeignKey(l => new { l.WorkspaceId, l.ConvertedCompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Deal>().WithMany().HasForeignKey(l => new { l.WorkspaceId, l.ConvertedDealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id });
        builder.HasAlternateKey(l => new { l.WorkspaceId, l.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(l => l.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(l => l.EmailKey).HasComputedColumnSql("lower(email)", stored: true);
        builder.Property(l => l.Source).HasConversion<SnakeCaseEnumConverter<LeadSource>>();
        builder.Property(l => l.Status).HasConversion<SnakeCaseEnumConverter<LeadStatus>>();
        builder.Property(l => l.QualificationStatus).HasConversion<SnakeCaseEnumConverter<QualificationStatus>>();
        builder.Property(l => l.InterestLevel).HasConversion<SnakeCaseEnumConverter<InterestLevel>>();
        builder.Property(l => l.AnnualRevenue).HasPrecision(15, 2);
        builder.Property(l => l.Budget).HasPrecision(15, 2);
        builder.Property(l => l.Currency).IsFixedLength();
        builder.Property(l => l.Grade).IsFixedLength().HasMaxLength(1);
        builder.Property(l => l.CustomFields).HasColumnType("jsonb");
        builder.Property(l => l.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(l => l.UpdatedAt).HasDefaultValueSql("now()");
    }
}
