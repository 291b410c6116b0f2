using System.Text.Json.Serialization;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Identity;
using Crm.Domain.Leads;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Activities;

/// <summary>A call, email, meeting or other interaction with a contact, company, deal or lead (seeds 001 and 003).</summary>
public sealed class Activity : IBusinessRecord, ILinkedRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public ActivityType Type { get; set; }

    public string Subject { get; set; } = "";

    public string? Description { get; set; }

    public ActivityStatus Status { get; set; } = ActivityStatus.Scheduled;

    public ActivityPriority Priority { get; set; } = ActivityPriority.Medium;

    /// <summary>Calls and emails only.</summary>
    public Direction? Direction { get; set; }

    public DateTimeOffset? ScheduledAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Set exactly when <see cref="Status"/> is completed.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public int? DurationMinutes { get; set; }

    public string? Location { get; set; }

    public string? MeetingUrl { get; set; }

    public string? Outcome { get; set; }

    public string? OutcomeNotes { get; set; }

    public bool FollowUpRequired { get; set; }

    public DateTimeOffset? FollowUpAt { get; set; }

    /// <summary>A JSON object (jsonb) of the workspace's custom field values.</summary>
    public string CustomFields { get; set; } = "{}";

    public Guid? ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public Guid? DealId { get; set; }

    public Guid? LeadId { get; set; }

    public Guid? OwnerId { get; set; }

    public Guid? AssignedTo { get; set; }

    /// <summary>
    /// Where the activity sits on a timeline, computed by the database: completed, else started, else scheduled, else
    /// due, else created.
    /// </summary>
    public DateTimeOffset OccurredAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Loaded with the activity wherever it is (auto-included).</summary>
    public List<ActivityParticipant> Participants { get; set; } = [];

    /// <summary>Loaded with the activity wherever it is (auto-included).</summary>
    public List<ActivityReminder> Reminders { get; set; } = [];
}

/// <summary>A member, contact or outside address taking part in an activity: exactly one of the three is set.</summary>
public sealed class ActivityParticipant : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ActivityId { get; set; }

    public ParticipantType ParticipantType { get; set; }

    public Guid? UserId { get; set; }

    public Guid? ContactId { get; set; }

    public string? Email { get; set; }

    public string? Name { get; set; }

    public ParticipantRole Role { get; set; } = ParticipantRole.Attendee;

    public ParticipantResponse ResponseStatus { get; set; } = ParticipantResponse.Pending;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A reminder to a member, <see cref="MinutesBefore"/> the activity's scheduled (else due) time.</summary>
public sealed class ActivityReminder : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ActivityId { get; set; }

    public ReminderChannel Channel { get; set; } = ReminderChannel.Email;

    public int MinutesBefore { get; set; }

    public DateTimeOffset RemindAt { get; set; }

    public Guid RecipientId { get; set; }

    public ReminderStatus Status { get; set; } = ReminderStatus.Pending;

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ActivityType>))]
public enum ActivityType
{
    Call,
    Email,
    Meeting,
    Task,
    Note,
    Demo,
    Deadline,
    Proposal,
    FollowUp,
    Other,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ActivityStatus>))]
public enum ActivityStatus
{
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>The priorities of activities and tasks.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ActivityPriority>))]
public enum ActivityPriority
{
    Low,
    Medium,
    High,
    Urgent,
}

/// <summary>Whether a call or email came in or went out.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<Direction>))]
public enum Direction
{
    Inbound,
    Outbound,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ParticipantType>))]
public enum ParticipantType
{
    User,
    Contact,
    External,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ParticipantRole>))]
public enum ParticipantRole
{
    Organizer,
    Attendee,
    Optional,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ParticipantResponse>))]
public enum ParticipantResponse
{
    Pending,
    Accepted,
    Declined,
    Tentative,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ReminderChannel>))]
public enum ReminderChannel
{
    Email,
    Sms,
    Push,
    Desktop,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ReminderStatus>))]
public enum ReminderStatus
{
    Pending,
    Sent,
    Failed,
    Cancelled,
}

internal sealed class ActivityConfiguration : IEntityTypeConfiguration<Activity>
{
    /// <summary>The generated column occurred_at, as the migration defines it.</summary>
    internal const string OccurredAtSql = "coalesce(completed_at, started_at, scheduled_at, due_at, created_at)";

    public void Configure(EntityTypeBuilder<Activity> builder)
    {
        builder.ToTable("activities");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(a => a.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(a => a.OwnerId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(a => a.AssignedTo);
        builder.HasOne<Contact>().WithMany().HasForeignKey(a => new { a.WorkspaceId, a.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Company>().WithMany().HasForeignKey(a => new { a.WorkspaceId, a.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Deal>().WithMany().HasForeignKey(a => new { a.WorkspaceId, a.DealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id });
        builder.HasOne<Lead>().WithMany().HasForeignKey(a => new { a.WorkspaceId, a.LeadId })
            .HasPrincipalKey(l => new { l.WorkspaceId, l.Id });
        builder.HasAlternateKey(a => new { a.WorkspaceId, a.Id });
        builder.HasMany(a => a.Participants).WithOne().HasForeignKey(p => new { p.WorkspaceId, p.ActivityId })
            .HasPrincipalKey(a => new { a.WorkspaceId, a.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Reminders).WithOne().HasForeignKey(r => new { r.WorkspaceId, r.ActivityId })
            .HasPrincipalKey(a => new { a.WorkspaceId, a.Id }).OnDelete(DeleteBehavior.Cascade);
        // Participants and reminders are part of the activity in the API: read and written with it.
        builder.Navigation(a => a.Participants).AutoInclude();
        builder.Navigation(a => a.Reminders).AutoInclude();
        builder.Property(a => a.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(a => a.Type).HasConversion<SnakeCaseEnumConverter<ActivityType>>();
        builder.Property(a => a.Status).HasConversion<SnakeCaseEnumConverter<ActivityStatus>>();
        builder.Property(a => a.Priority).HasConversion<SnakeCaseEnumConverter<ActivityPriority>>();
        builder.Property(a => a.Direction).HasConversion<SnakeCaseEnumConverter<Direction>>();
        builder.Property(a => a.CustomFields).HasColumnType("jsonb");
        builder.Property(a => a.OccurredAt).HasComputedColumnSql(OccurredAtSql, stored: true);
        builder.Property(a => a.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(a => a.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class ActivityParticipantConfiguration : IEntityTypeConfiguration<ActivityParticipant>
{
    public void Configure(EntityTypeBuilder<ActivityParticipant> builder)
    {
        builder.ToTable("activity_participants");
        // Set by the app: a new participant found in an activity's list is then added, not taken for an existing row.
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(p => p.UserId);
        builder.HasOne<Contact>().WithMany().HasForeignKey(p => new { p.WorkspaceId, p.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.Property(p => p.ParticipantType).HasConversion<SnakeCaseEnumConverter<ParticipantType>>();
        builder.Property(p => p.Role).HasConversion<SnakeCaseEnumConverter<ParticipantRole>>();
        builder.Property(p => p.ResponseStatus).HasConversion<SnakeCaseEnumConverter<ParticipantResponse>>();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class ActivityReminderConfiguration : IEntityTypeConfiguration<ActivityReminder>
{
    public void Configure(EntityTypeBuilder<ActivityReminder> builder)
    {
        builder.ToTable("activity_reminders");
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.RecipientId);
        builder.Property(r => r.Channel).HasConversion<SnakeCaseEnumConverter<ReminderChannel>>();
        builder.Property(r => r.Status).HasConversion<SnakeCaseEnumConverter<ReminderStatus>>();
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}
