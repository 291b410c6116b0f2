using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tenancy;

/// <summary>
/// A group of members, in a hierarchy without cycles; a member with record scope "team" sees the records of their
/// teams' members. Workspace configuration: every member sees every team, so it has no owner.
/// </summary>
public sealed class Team : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live teams.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public Guid? ParentTeamId { get; set; }

    public Guid? ManagerId { get; set; }

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

public sealed class TeamMember : ITenantOwned
{
    public Guid WorkspaceId { get; set; }

    public Guid TeamId { get; set; }

    public Guid UserId { get; set; }

    public TeamRole Role { get; set; } = TeamRole.Member;

    public DateTimeOffset JoinedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TeamRole>))]
public enum TeamRole
{
    Member,
    Lead,
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.ToTable("teams");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.ManagerId);
        builder.HasOne<Team>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.ParentTeamId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(t => t.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(t => t.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> builder)
    {
        builder.ToTable("team_members");
        builder.HasKey(m => new { m.WorkspaceId, m.TeamId, m.UserId });
        builder.HasOne<Team>().WithMany().HasForeignKey(m => new { m.WorkspaceId, m.TeamId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id });
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(m => m.UserId);
        builder.Property(m => m.Role).HasConversion<SnakeCaseEnumConverter<TeamRole>>();
        builder.Property(m => m.JoinedAt).HasDefaultValueSql("now()");
    }
}
