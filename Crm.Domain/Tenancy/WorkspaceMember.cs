using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tenancy;

/// <summary>A user's place in a workspace: what they may do (role) and which records they see (scope).</summary>
public sealed class WorkspaceMember : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the members API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public CrmUser? User { get; set; }

    public MemberRole Role { get; set; } = MemberRole.SalesRep;

    public RecordScope RecordScope { get; set; } = RecordScope.Own;

    public MemberStatus Status { get; set; } = MemberStatus.Active;

    /// <summary>A JSON object (jsonb) of permissions granted on top of the role.</summary>
    public string Permissions { get; set; } = "{}";

    public Guid? InvitedBy { get; set; }

    public DateTimeOffset? InvitedAt { get; set; }

    public DateTimeOffset? JoinedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<MemberRole>))]
public enum MemberRole
{
    Owner,
    Admin,
    Manager,
    SalesRep,
    SupportAgent,
    Viewer,
}

/// <summary>Which records a member sees: all of the workspace's, their teams', or only their own.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<RecordScope>))]
public enum RecordScope
{
    All,
    Team,
    Own,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<MemberStatus>))]
public enum MemberStatus
{
    Invited,
    Active,
    Suspended,
}

internal sealed class WorkspaceMemberConfiguration : IEntityTypeConfiguration<WorkspaceMember>
{
    public void Configure(EntityTypeBuilder<WorkspaceMember> builder)
    {
        builder.ToTable("workspace_members");
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
        builder.Property(m => m.Role).HasConversion<SnakeCaseEnumConverter<MemberRole>>();
        builder.Property(m => m.RecordScope).HasConversion<SnakeCaseEnumConverter<RecordScope>>();
        builder.Property(m => m.Status).HasConversion<SnakeCaseEnumConverter<MemberStatus>>();
        builder.Property(m => m.Permissions).HasColumnType("jsonb");
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(m => m.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(m => m.UpdatedAt).HasDefaultValueSql("now()");
    }
}
