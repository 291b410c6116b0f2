using System.Net;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Identity;

/// <summary>
/// One sign-in of a user to a workspace (seed 003's user_sessions): its access tokens name it, and its refresh token
/// rotates on every refresh. Active while not revoked and not expired; revoking it ends its access tokens within the
/// membership cache duration and its refresh token at once.
/// </summary>
public sealed class UserSession : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>SHA-256 of the refresh secret the client holds now; a secret presented after it rotated is a stolen copy.</summary>
    public required byte[] RefreshTokenHash { get; set; }

    /// <summary>How many times the refresh token has rotated.</summary>
    public int RefreshCount { get; set; }

    public IPAddress? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }

    /// <summary>When the refresh token stops working; each rotation moves it to a full refresh token lifetime ahead.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public SessionRevokeReason? RevokedReason { get; set; }
}

public enum SessionRevokeReason
{
    /// <summary>The user signed out of this session.</summary>
    Logout,

    /// <summary>The user revoked it from their session list.</summary>
    Revoked,

    /// <summary>The user revoked every session but the one they were using.</summary>
    OtherSessionsRevoked,

    /// <summary>A refresh token of it was presented after it had rotated: someone else holds a copy.</summary>
    RefreshTokenReused,

    /// <summary>The user was removed from the workspace.</summary>
    MemberRemoved,
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.ToTable("user_sessions");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(s => s.UserId);
        builder.Property(s => s.RevokedReason).HasConversion<SnakeCaseEnumConverter<SessionRevokeReason>>();
    }
}
