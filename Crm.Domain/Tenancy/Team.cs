using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tenancy;

/// <summary>A group of members; a member with record scope "team" sees the records of their teams.</summary>
public sealed class Team : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public Guid? ParentTeamId { get; set; }

    public Guid? ManagerId { get; set; }

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
        builder.HasOne<Team>().WithMany().HasForeignKey(t => t.ParentTeamId);
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
        builder.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId);
        builder.Property(m => m.Role).HasConversion<Persistence.SnakeCaseEnumConverter<TeamRole>>();
        builder.Property(m => m.JoinedAt).HasDefaultValueSql("now()");
    }
}
