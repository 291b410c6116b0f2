using System.Net;
using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Auditing;

/// <summary>
/// An authentication or authorisation event (seed 002). Append-only. Its workspace is empty when none is known yet
/// (a failed login), so it is not <see cref="Tenancy.ITenantOwned"/>: row-level security still shows a workspace only
/// its own events.
/// </summary>
public sealed class SecurityLog
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid? WorkspaceId { get; set; }

    public SecurityEventType EventType { get; set; }

    public SecuritySeverity Severity { get; set; } = SecuritySeverity.Info;

    public Guid? UserId { get; set; }

    public string? UserEmail { get; set; }

    public string? Description { get; set; }

    /// <summary>A JSON object (jsonb) with the event's details.</summary>
    public string Details { get; set; } = "{}";

    public IPAddress? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>
    /// Set here, not by the column's default: EF would read a database-generated value back with INSERT ... RETURNING,
    /// which row-level security refuses for an event no session may read (one without a workspace).
    /// </summary>
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

[System.Text.Json.Serialization.JsonConverter(typeof(LowerSnakeJsonEnumConverter<SecurityEventType>))]
public enum SecurityEventType
{
    LoginSuccess,
    LoginFailed,
    Logout,
    TokenRefreshed,
    PasswordChanged,
    PasswordReset,
    AccountLocked,
    PermissionDenied,
    ApiKeyCreated,
    ApiKeyRevoked,
    SuspiciousActivity,
    SessionRevoked,

    /// <summary>An API key that is unknown, revoked or expired was presented.</summary>
    ApiKeyRejected,
    MemberInvited,
    InvitationRevoked,
    MemberJoined,
    MemberUpdated,
    MemberRemoved,
}

[System.Text.Json.Serialization.JsonConverter(typeof(LowerSnakeJsonEnumConverter<SecuritySeverity>))]
public enum SecuritySeverity
{
    Info,
    Warning,
    Critical,
}

internal sealed class SecurityLogConfiguration : IEntityTypeConfiguration<SecurityLog>
{
    public void Configure(EntityTypeBuilder<SecurityLog> builder)
    {
        builder.ToTable("security_logs");
        builder.Property(s => s.EventType).HasConversion<SnakeCaseEnumConverter<SecurityEventType>>();
        builder.Property(s => s.Severity).HasConversion<SnakeCaseEnumConverter<SecuritySeverity>>();
        builder.Property(s => s.Details).HasColumnType("jsonb");
    }
}
