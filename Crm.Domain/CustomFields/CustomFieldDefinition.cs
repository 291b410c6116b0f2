using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Records;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.CustomFields;

/// <summary>
/// A field a workspace adds to one object type (seeds 001 and 003's custom_field_definitions): the values live in the
/// records' custom_fields under <see cref="Key"/>, and are validated against this definition. Workspace configuration:
/// every member sees every definition, so it has no owner.
/// </summary>
public sealed class CustomFieldDefinition : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public ObjectType ObjectType { get; set; }

    /// <summary>snake_case; unique per object type among the workspace's live definitions.</summary>
    public required string Key { get; set; }

    public required string Label { get; set; }

    public CustomFieldType FieldType { get; set; }

    public bool IsRequired { get; set; }

    /// <summary>A JSON array (jsonb) of <c>{"value", "label"}</c> for select and multiselect; null for the other types.</summary>
    public string? Options { get; set; }

    /// <summary>A JSON object (jsonb): min, max, minLength, maxLength, pattern, as the field type allows.</summary>
    public string ValidationRules { get; set; } = "{}";

    /// <summary>An inactive field keeps the values records have, but takes no new ones.</summary>
    public bool IsActive { get; set; } = true;

    public int Position { get; set; }

    public string? HelpText { get; set; }

    public string? Placeholder { get; set; }

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>Seed 001's field types and seed 003's (decimal as number, picklists as select), plus currency and percent.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<CustomFieldType>))]
public enum CustomFieldType
{
    Text,
    Textarea,
    Number,
    Currency,
    Percent,
    Date,
    Datetime,
    Boolean,
    Select,
    Multiselect,
    Url,
    Email,
    Phone,
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> builder)
    {
        builder.ToTable("custom_field_definitions");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId);
        builder.HasAlternateKey(d => new { d.WorkspaceId, d.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(d => d.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(d => d.ObjectType).HasConversion<SnakeCaseEnumConverter<ObjectType>>();
        builder.Property(d => d.FieldType).HasConversion<SnakeCaseEnumConverter<CustomFieldType>>();
        builder.Property(d => d.Options).HasColumnType("jsonb");
        builder.Property(d => d.ValidationRules).HasColumnType("jsonb");
        builder.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(d => d.UpdatedAt).HasDefaultValueSql("now()");
    }
}
