using Crm.Domain;
using Crm.Domain.Auditing;

namespace Crm.Api.Features.Auth;

/// <summary>
/// Adds <c>security_logs</c> rows (with the caller's IP address and user agent) to the request's context; the caller
/// saves them, in a session whose workspace is the event's (or any session, for an event without a workspace).
/// </summary>
public sealed class SecurityEvents(CrmDbContext db, IHttpContextAccessor httpContextAccessor)
{
    public void Add(SecurityEventType type, SecuritySeverity severity, Guid? workspaceId, Guid? userId, string? email, string description)
    {
        var http = httpContextAccessor.HttpContext;
        var userAgent = http?.Request.Headers.UserAgent.ToString();
        db.SecurityLogs.Add(new SecurityLog
        {
            EventType = type,
            Severity = severity,
            WorkspaceId = workspaceId,
            UserId = userId,
            UserEmail = Truncate(email, 256),
            Description = description,
            IpAddress = http?.Connection.RemoteIpAddress,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : Truncate(userAgent, 500),
        });
    }

    private static string? Truncate(string? value, int length) => value is { Length: > 0 } && value.Length > length ? value[..length] : value;
}
