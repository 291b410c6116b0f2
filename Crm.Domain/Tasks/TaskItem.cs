using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Domain.Activities;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Identity;
using Crm.Domain.Leads;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tasks;

/// <summary>Something a member is to do, by a time, perhaps again and again (seed 001's tasks).</summary>
public sealed class TaskItem : IBusinessRecord, ILinkedRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public string Title { get; set; } = "";

    public string? Description { get; set; }

    public TaskItemType Type { get; set; } = TaskItemType.Task;

    public ActivityPriority Priority { get; set; } = ActivityPriority.Medium;

    public TaskItemStatus Status { get; set; } = TaskItemStatus.Pending;

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Minutes before <see cref="DueAt"/> to remind the assignee.</summary>
    public int? ReminderMinutes { get; set; }

    /// <summary>
    /// The assignee (column assigned_to, never null): a task belongs to whoever is to do it, so record scope own shows a
    /// member the tasks assigned to them.
    /// </summary>
    public Guid? OwnerId { get; set; }

    /// <summary>Who assigned it to <see cref="OwnerId"/>.</summary>
    public Guid? AssignedBy { get; set; }

    /// <summary>Set exactly when <see cref="Status"/> is completed, with <see cref="CompletedBy"/>.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public Guid? CompletedBy { get; set; }

    public RecurrenceRule? RecurrenceRule { get; set; }

    /// <summary>The occurrence this one follows; each task has at most one next occurrence.</summary>
    public Guid? RecurrenceParentId { get; set; }

    /// <summary>1 for a series' first task, 2 for the one after it, ...</summary>
    public int Occurrence { get; set; } = 1;

    public Guid? ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public Guid? DealId { get; set; }

    public Guid? LeadId { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TaskItemType>))]
public enum TaskItemType
{
    Task,
    Call,
    Email,
    Meeting,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TaskItemStatus>))]
public enum TaskItemStatus
{
    Pending,
    InProgress,
    Completed,
    Cancelled,
}

internal sealed class TaskItemConfiguration : IEntityTypeConfiguration<TaskItem>
{
    public void Configure(EntityTypeBuilder<TaskItem> builder)
    {
        builder.ToTable("tasks");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.Property(t => t.OwnerId).HasColumnName("assigned_to").IsRequired();
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.OwnerId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.AssignedBy);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.CompletedBy);
        builder.HasOne<Contact>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Company>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Deal>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.DealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id });
        builder.HasOne<Lead>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.LeadId })
            .HasPrincipalKey(l => new { l.WorkspaceId, l.Id });
        builder.HasOne<TaskItem>().WithOne().HasForeignKey<TaskItem>(t => new { t.WorkspaceId, t.RecurrenceParentId })
            .HasPrincipalKey<TaskItem>(t => new { t.WorkspaceId, t.Id });
        builder.HasAlternateKey(t => new { t.WorkspaceId, t.Id });
        builder.Property(t => t.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(t => t.Type).HasConversion<SnakeCaseEnumConverter<TaskItemType>>();
        builder.Property(t => t.Priority).HasConversion<SnakeCaseEnumConverter<ActivityPriority>>();
        builder.Property(t => t.Status).HasConversion<SnakeCaseEnumConverter<TaskItemStatus>>();
        builder.Property(t => t.RecurrenceRule).HasColumnType("jsonb").HasConversion(
            rule => JsonSerializer.Serialize(rule, RecurrenceRule.Json),
            json => JsonSerializer.Deserialize<RecurrenceRule>(json, RecurrenceRule.Json));
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
    }
}
