using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Activities;

/// <summary>
/// A kind of activity a team logs often ("Discovery call, 30 minutes"), whose fields fill a new activity's blanks
/// (seed 003's activity_templates). Workspace configuration: every member sees every template, so it has no owner.
/// </summary>
public sealed class ActivityTemplate : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live templates.</summary>
    public required string Name { get; set; }

    public ActivityType Type { get; set; }

    public string? SubjectTemplate { get; set; }

    public string? DescriptionTemplate { get; set; }

    public int? DurationMinutes { get; set; }

    public ActivityPriority DefaultPriority { get; set; } = ActivityPriority.Medium;

    /// <summary>A JSON object (jsonb): custom field values for the activities made from the template.</summary>
    public string CustomFieldsTemplate { get; set; } = "{}";

    /// <summary>Tag names kept with the template.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>An inactive template is kept but makes no activities.</summary>
    public bool IsActive { get; set; } = true;

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

internal sealed class ActivityTemplateConfiguration : IEntityTypeConfiguration<ActivityTemplate>
{
    public void Configure(EntityTypeBuilder<ActivityTemplate> builder)
    {
        builder.ToTable("activity_templates");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(t => t.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(t => t.Type).HasConversion<SnakeCaseEnumConverter<ActivityType>>();
        builder.Property(t => t.DefaultPriority).HasConversion<SnakeCaseEnumConverter<ActivityPriority>>();
        builder.Property(t => t.CustomFieldsTemplate).HasColumnType("jsonb");
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
    }
}
