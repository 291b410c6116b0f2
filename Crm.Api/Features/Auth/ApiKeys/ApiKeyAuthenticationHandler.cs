using System.Text.Encodings.Web;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Auth.ApiKeys;

/// <summary>
/// Authenticates <c>X-Api-Key: crm_…</c> or <c>Authorization: Bearer crm_…</c> (the default scheme forwards such
/// requests here, <see cref="AuthExtensions"/>), so every endpoint that takes an access token takes a key too. The key
/// is looked up by the hash of its secret under row-level security for the workspace it names; an unknown, revoked or
/// expired key fails (401, with an <c>api_key_rejected</c> security log). What the key may then do is decided per
/// request with its creator's current membership (<see cref="Infrastructure.Access.CurrentMembership"/>).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<CrmDbContext> contexts,
    IHttpContextAccessor httpContextAccessor,
    IProblemDetailsService problemDetails,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>The start of every key, which tells a key from an access token in the Authorization header.</summary>
    public const string KeyPrefix = "crm_";

    /// <summary>How stale <c>last_used_at</c> may get: writing it on every request would make each read a write.</summary>
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>True when the request presents an API key rather than an access token.</summary>
    public static bool Presents(HttpRequest request) => request.Headers.ContainsKey(HeaderName) || FromAuthorization(request) is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers.TryGetValue(HeaderName, out var header) ? header.ToString() : FromAuthorization(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }
        var cancellationToken = Context.RequestAborted;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!WorkspaceSecrets.TryRead(presented, KeyPrefix, out var workspaceId, out var hash))
        {
            return await RejectAsync(db, null, "A malformed API key was presented.", cancellationToken);
        }

        // Its own context: the request's is handed out with the caller's tenant session, which is not known yet.
        db.UseSession(new TenantSession(workspaceId, null));
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (key is null)
        {
            // Logged without the workspace the key names: it may not exist.
            return await RejectAsync(db, null, "An unknown API key was presented.", cancellationToken);
        }
        if (key.RevokedAt is not null)
        {
            return await RejectAsync(db, key.WorkspaceId, $"A revoked API key ({key.KeyPrefix}…, \"{key.Name}\") was presented.", cancellationToken);
        }
        if (key.ExpiresAt <= now)
        {
            return await RejectAsync(db, key.WorkspaceId, $"An expired API key ({key.KeyPrefix}…, \"{key.Name}\") was presented.", cancellationToken);
        }

        if (key.LastUsedAt is null || key.LastUsedAt < now - LastUsedPrecision)
        {
            var stale = now - LastUsedPrecision;
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < stale))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ApiKeyPrincipal.Create(key, Scheme.Name), Scheme.Name));
    }

    /// <summary>401 with the reason the key failed, as problem details.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = result.Failure is null ? "Send an API key." : "The API key is invalid, revoked or expired.",
            },
        });
    }

    private async Task<AuthenticateResult> RejectAsync(CrmDbContext db, Guid? workspaceId, string description, CancellationToken cancellationToken)
    {
        new SecurityEvents(db, httpContextAccessor).Add(SecurityEventType.ApiKeyRejected, SecuritySeverity.Warning, workspaceId, null, null, description);
        await db.SaveChangesAsync(cancellationToken);
        return AuthenticateResult.Fail(description);
    }

    private static string? FromAuthorization(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var value &&
        value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && value.AsSpan(7).Trim().StartsWith(KeyPrefix, StringComparison.Ordinal)
            ? value[7..].Trim()
            : null;
}
