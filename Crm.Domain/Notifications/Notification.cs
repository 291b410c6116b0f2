using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Notifications;

/// <summary>
/// Something a member should know, in their in-app feed: for now an activity's reminder come due. Made once per
/// <see cref="SourceId"/> and recipient (a unique key), whoever delivers it.
/// </summary>
public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The member it is for; nobody else sees it.</summary>
    public Guid UserId { get; set; }

    public NotificationKind Kind { get; set; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    /// <summary>The record it is about (an activity), for a link; both or neither.</summary>
    public string? EntityType { get; set; }

    public Guid? EntityId { get; set; }

    /// <summary>What caused it (the reminder's id).</summary>
    public Guid SourceId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<NotificationKind>))]
public enum NotificationKind
{
    Reminder,
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.HasOne<Workspace>().WithMany().HasForeignKey(n => n.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(n => n.UserId);
        builder.Property(n => n.Kind).HasConversion<SnakeCaseEnumConverter<NotificationKind>>();
        builder.Property(n => n.CreatedAt).HasDefaultValueSql("now()");
    }
}
