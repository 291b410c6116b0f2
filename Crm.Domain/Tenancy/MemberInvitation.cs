using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tenancy;

/// <summary>
/// An invitation to join a workspace with a role and record scope, for an email that may have no account yet. Its token
/// is single-use and expires; only its SHA-256 is stored. Accepting it creates the <see cref="WorkspaceMember"/>.
/// </summary>
public sealed class MemberInvitation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Email { get; set; }

    public MemberRole Role { get; set; }

    public RecordScope RecordScope { get; set; }

    public required byte[] TokenHash { get; set; }

    public Guid InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public Guid? AcceptedBy { get; set; }

    /// <summary>Set when an admin cancels it, or invites the same email again (the newer invitation replaces it).</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class MemberInvitationConfiguration : IEntityTypeConfiguration<MemberInvitation>
{
    public void Configure(EntityTypeBuilder<MemberInvitation> builder)
    {
        builder.ToTable("member_invitations");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId);
        builder.Property(i => i.Role).HasConversion<SnakeCaseEnumConverter<MemberRole>>();
        builder.Property(i => i.RecordScope).HasConversion<SnakeCaseEnumConverter<RecordScope>>();
    }
}
