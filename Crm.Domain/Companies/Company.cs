using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Crm.Domain.Territories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Companies;

/// <summary>An organisation the workspace sells to or works with (seed 001's companies, seed 003's accounts).</summary>
public sealed class Company : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case host name ("acme.com"); unique among the workspace's live companies.</summary>
    public string? Domain { get; set; }

    /// <summary>lower(domain), computed by the database (a stored generated column): what duplicate lookups compare and index.</summary>
    public string? DomainKey { get; private set; }

    public string? Website { get; set; }

    public string? AccountNumber { get; set; }

    public CompanyType Type { get; set; } = CompanyType.Prospect;

    public CompanyStatus Status { get; set; } = CompanyStatus.Active;

    public CompanyPriority Priority { get; set; } = CompanyPriority.Medium;

    public string? Industry { get; set; }

    public string? SubIndustry { get; set; }

    /// <summary>An employee band: one of <see cref="CompanySizes.All"/>.</summary>
    public string? Size { get; set; }

    public int? EmployeeCount { get; set; }

    public decimal? AnnualRevenue { get; set; }

    public string Currency { get; set; } = "USD";

    public int? FoundedYear { get; set; }

    public string? StockSymbol { get; set; }

    public string? Description { get; set; }

    public string? LogoUrl { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? AddressLine1 { get; set; }

    public string? AddressLine2 { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? Country { get; set; }

    public string? Timezone { get; set; }

    public string? LinkedinUrl { get; set; }

    public string? TwitterHandle { get; set; }

    public string? FacebookUrl { get; set; }

    /// <summary>0-100.</summary>
    public int? HealthScore { get; set; }

    /// <summary>A JSON object (jsonb) of the workspace's custom field values.</summary>
    public string CustomFields { get; set; } = "{}";

    public Guid? ParentCompanyId { get; set; }

    /// <summary>The live territory of the workspace the company belongs to.</summary>
    public Guid? TerritoryId { get; set; }

    public Guid? OwnerId { get; set; }

    public DateTimeOffset? LastActivityAt { get; set; }

    public DateTimeOffset? NextActivityAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<CompanyType>))]
public enum CompanyType
{
    Prospect,
    Customer,
    Partner,
    Vendor,
    Competitor,
    FormerCustomer,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<CompanyStatus>))]
public enum CompanyStatus
{
    Active,
    Inactive,
    Archived,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<CompanyPriority>))]
public enum CompanyPriority
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>The employee bands of <see cref="Company.Size"/> (seed 001), as the table's CHECK lists them.</summary>
public static class CompanySizes
{
    public static readonly IReadOnlyList<string> All = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"];
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> builder)
    {
        builder.ToTable("companies");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.OwnerId);
        builder.HasOne<Company>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.ParentCompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Territory>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.TerritoryId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(c => c.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(c => c.DomainKey).HasComputedColumnSql("lower(domain)", stored: true);
        builder.Property(c => c.Type).HasConversion<SnakeCaseEnumConverter<CompanyType>>();
        builder.Property(c => c.Status).HasConversion<SnakeCaseEnumConverter<CompanyStatus>>();
        builder.Property(c => c.Priority).HasConversion<SnakeCaseEnumConverter<CompanyPriority>>();
        builder.Property(c => c.AnnualRevenue).HasPrecision(15, 2);
        builder.Property(c => c.Currency).IsFixedLength();
        builder.Property(c => c.CustomFields).HasColumnType("jsonb");
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
    }
}
