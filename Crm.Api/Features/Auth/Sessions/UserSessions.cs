using System.Buffers.Text;
using System.Linq.Expressions;
using System.Security.Cryptography;
using Crm.Api.Infrastructure.Access;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth.Sessions;

/// <summary>A session just started or rotated: the refresh secret to put in the refresh token, once.</summary>
public sealed record IssuedSession(Guid Id, string RefreshSecret, DateTimeOffset ExpiresAt);

public enum RefreshOutcome
{
    Rotated,

    /// <summary>Revoked, expired or unknown: sign in again.</summary>
    Ended,

    /// <summary>The refresh token had already been exchanged: someone else holds a copy, so the session is now revoked.</summary>
    Reused,
}

/// <summary>
/// Sign-in sessions (<c>user_sessions</c>) and their refresh token rotation. Each refresh replaces the session's secret
/// (one UPDATE that only matches the current one), so a refresh token works once; an authentic refresh token of the
/// session whose secret is no longer the current one was exchanged before, by whoever holds it, so its reappearance is
/// treated as theft: the session is revoked (ending the thief's and the user's tokens alike) and a critical
/// <c>suspicious_activity</c> security event is written. Two clients refreshing with the same token at once trip it
/// too: clients must serialise their refreshes.
/// </summary>
public sealed class UserSessions(
    CrmDbContext db, IHttpContextAccessor httpContextAccessor, TokenIssuer tokens, CurrentMembership membership,
    SecurityEvents events, TimeProvider clock)
{
    private const int MaxUserAgentLength = 500;

    /// <summary>Adds a new session of the user in the workspace; saved by the caller's SaveChanges.</summary>
    public IssuedSession Start(Guid userId, Guid workspaceId)
    {
        var (secret, hash) = NewSecret();
        var now = clock.GetUtcNow();
        var http = httpContextAccessor.HttpContext;
        var userAgent = http?.Request.Headers.UserAgent.ToString();
        var session = new UserSession
        {
            WorkspaceId = workspaceId,
            UserId = userId,
            RefreshTokenHash = hash,
            IpAddress = http?.Connection.RemoteIpAddress,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)],
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + tokens.RefreshTokenLifetime,
        };
        db.UserSessions.Add(session);
        return new IssuedSession(session.Id, secret, session.ExpiresAt);
    }

    /// <summary>
    /// Exchanges the refresh token's secret for a new one. The context must act for the session's workspace and user.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, IssuedSession? Session)> RotateAsync(
        RefreshTicket ticket, string? email, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (secret, hash) = NewSecret();
        var expiresAt = now + tokens.RefreshTokenLifetime;
        if (HashOf(ticket.Secret) is { } presented)
        {
            var rotated = await db.UserSessions
                .Where(s => s.Id == ticket.SessionId && s.RefreshTokenHash == presented && s.RevokedAt == null && s.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.RefreshTokenHash, hash)
                    .SetProperty(x => x.RefreshCount, x => x.RefreshCount + 1)
                    .SetProperty(x => x.LastUsedAt, now)
                    .SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
            if (rotated == 1)
            {
                return (RefreshOutcome.Rotated, new IssuedSession(ticket.SessionId, secret, expiresAt));
            }
        }

        var session = await db.UserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == ticket.SessionId, cancellationToken);
        if (session is null || session.RevokedAt is not null || session.ExpiresAt <= now)
        {
            return (RefreshOutcome.Ended, null);
        }
        // The token is authentic (data-protected by us) and names this live session, but its secret is not the current one.
        await RevokeAsync(s => s.Id == session.Id, SessionRevokeReason.RefreshTokenReused, cancellationToken);
        events.Add(SecurityEventType.SuspiciousActivity, SecuritySeverity.Critical, session.WorkspaceId, session.UserId, email,
            $"A refresh token of session {session.Id} was used after it had been exchanged (rotation {session.RefreshCount}): the session is revoked.");
        await db.SaveChangesAsync(cancellationToken);
        return (RefreshOutcome.Reused, null);
    }

    /// <summary>
    /// Revokes the active sessions <paramref name="which"/> selects (among those the context may update: its
    /// workspace's, and the user's own in any workspace) and evicts them from the access check's cache.
    /// </summary>
    public async Task<int> RevokeAsync(Expression<Func<UserSession, bool>> which, SessionRevokeReason reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = await db.UserSessions.IgnoreQueryFilters().Where(which).Where(s => s.RevokedAt == null)
            .Select(s => s.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }
        var revoked = await db.UserSessions.IgnoreQueryFilters().Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        foreach (var id in ids)
        {
            membership.ForgetSession(id);
        }
        return revoked;
    }

    private static (string Secret, byte[] Hash) NewSecret()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return (Base64Url.EncodeToString(bytes), SHA256.HashData(bytes));
    }

    private static byte[]? HashOf(string secret)
    {
        Span<byte> bytes = stackalloc byte[32];
        return Base64Url.IsValid(secret, out var length) && length == bytes.Length && Base64Url.TryDecodeFromChars(secret, bytes, out _)
            ? SHA256.HashData(bytes)
            : null;
    }
}
