using System.Text.Json.Serialization;
using Crm.Domain.Companies;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Contacts;

/// <summary>A person the workspace deals with (seeds 001 and 003's contacts).</summary>
public sealed class Contact : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>At least one of <see cref="FirstName"/> and <see cref="LastName"/> is set.</summary>
    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live contacts.</summary>
    public string? Email { get; set; }

    /// <summary>lower(email), computed by the database (a stored generated column): what duplicate lookups compare and index.</summary>
    public string? EmailKey { get; private set; }

    public string? Phone { get; set; }

    public string? Mobile { get; set; }

    public string? Title { get; set; }

    public string? Department { get; set; }

    public LifecycleStage LifecycleStage { get; set; } = LifecycleStage.Lead;

    public ContactSource Source { get; set; } = ContactSource.Manual;

    public ContactStatus Status { get; set; } = ContactStatus.Active;

    public string? Website { get; set; }

    public string? LinkedinUrl { get; set; }

    public string? TwitterHandle { get; set; }

    public string? FacebookUrl { get; set; }

    public string? AddressLine1 { get; set; }

    public string? AddressLine2 { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? Country { get; set; }

    public string? Timezone { get; set; }

    public string? Language { get; set; }

    /// <summary>0-100.</summary>
    public int LeadScore { get; set; }

    /// <summary>A JSON object (jsonb) of the workspace's custom field values.</summary>
    public string CustomFields { get; set; } = "{}";

    public Guid? OwnerId { get; set; }

    /// <summary>The contact's company, of the same workspace.</summary>
    public Guid? CompanyId { get; set; }

    public DateTimeOffset? LastActivityAt { get; set; }

    public DateTimeOffset? LastContactedAt { get; set; }

    public DateTimeOffset? NextActivityAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>A contact's link to a company beyond <see cref="Contact.CompanyId"/> (seed 001's company_contacts).</summary>
public sealed class CompanyContact : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid CompanyId { get; set; }

    public Guid ContactId { get; set; }

    public string? Role { get; set; }

    /// <summary>At most one primary company per contact.</summary>
    public bool IsPrimary { get; set; }

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// How one contact relates to another (seed 003's contact_relationships, migration 0012). Stored once, read from both
/// contacts: seen from <see cref="RelatedContactId"/> the type is <see cref="RelationshipTypes.Inverse"/>.
/// </summary>
public sealed class ContactRelationship : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ContactId { get; set; }

    /// <summary>Another contact of the same workspace.</summary>
    public Guid RelatedContactId { get; set; }

    /// <summary>Read from <see cref="ContactId"/>: "contact reports_to related contact".</summary>
    public RelationshipType RelationshipType { get; set; }

    /// <summary>Up to 2000 characters.</summary>
    public string? Description { get; set; }

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Read as "contact {type} related contact": "Ann reports_to Bob".</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<RelationshipType>))]
public enum RelationshipType
{
    ReportsTo,
    Manages,
    Colleague,
    Partner,
    Vendor,
    Customer,
}

/// <summary>Reading a <see cref="ContactRelationship"/> from its other contact.</summary>
public static class RelationshipTypes
{
    /// <summary>The type read from the other contact: reports_to and manages swap, the others read the same both ways.</summary>
    public static RelationshipType Inverse(this RelationshipType type) => type switch
    {
        RelationshipType.ReportsTo => RelationshipType.Manages,
        RelationshipType.Manages => RelationshipType.ReportsTo,
        _ => type,
    };
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<LifecycleStage>))]
public enum LifecycleStage
{
    Lead,
    Mql,
    Sql,
    Opportunity,
    Customer,
    Evangelist,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ContactSource>))]
public enum ContactSource
{
    Manual,
    Import,
    Website,
    Email,
    Api,
    Linkedin,
    Enrichment,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ContactStatus>))]
public enum ContactStatus
{
    Active,
    Inactive,
    Archived,
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.ToTable("contacts");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.OwnerId);
        builder.HasOne<Company>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasAlternateKey(c => new { c.WorkspaceId, c.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(c => c.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(c => c.LifecycleStage).HasConversion<SnakeCaseEnumConverter<LifecycleStage>>();
        builder.Property(c => c.Source).HasConversion<SnakeCaseEnumConverter<ContactSource>>();
        builder.Property(c => c.Status).HasConversion<SnakeCaseEnumConverter<ContactStatus>>();
        builder.Property(c => c.CustomFields).HasColumnType("jsonb");
        builder.Property(c => c.EmailKey).HasComputedColumnSql("lower(email)", stored: true);
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class CompanyContactConfiguration : IEntityTypeConfiguration<CompanyContact>
{
    public void Configure(EntityTypeBuilder<CompanyContact> builder)
    {
        builder.ToTable("company_contacts");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        builder.HasOne<Company>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Contact>().WithMany().HasForeignKey(c => new { c.WorkspaceId, c.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.CreatedBy);
        builder.HasIndex(c => new { c.WorkspaceId, c.CompanyId, c.ContactId }).IsUnique();
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class ContactRelationshipConfiguration : IEntityTypeConfiguration<ContactRelationship>
{
    public void Configure(EntityTypeBuilder<ContactRelationship> builder)
    {
        builder.ToTable("contact_relationships");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId);
        builder.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.WorkspaceId, r.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Contact>().WithMany().HasForeignKey(r => new { r.WorkspaceId, r.RelatedContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.CreatedBy);
        builder.HasIndex(r => new { r.WorkspaceId, r.ContactId, r.RelatedContactId, r.RelationshipType }).IsUnique();
        builder.Property(r => r.RelationshipType).HasConversion<SnakeCaseEnumConverter<RelationshipType>>();
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}
