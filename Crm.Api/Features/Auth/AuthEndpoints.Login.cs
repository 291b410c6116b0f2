using Crm.Api.Features.Auth.Sessions;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth;

public static partial class AuthEndpoints
{
    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, CrmDbContext db, SignInManager<CrmUser> signIn, TokenIssuer tokens, UserSessions sessions,
        SecurityEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["The email is required."];
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["The password is required."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var email = request.Email!.Trim();
        var users = signIn.UserManager;
        var user = await users.FindByEmailAsync(email);
        if (user is null || user.DeletedAt is not null)
        {
            // As long as checking a real password, so the answer's timing does not tell which emails have accounts.
            users.PasswordHasher.VerifyHashedPassword(DummyUser, DummyHash.Value, request.Password!);
            return await FailAsync(SecurityEventType.LoginFailed, null, "Unknown email.", Unauthorized(InvalidCredentials));
        }

        // SignInManager.CheckPasswordSignInAsync's steps, but the failure count and its reset are single UPDATEs rather
        // than saves of the loaded user under Identity's concurrency stamp: parallel attempts then neither fail with a
        // concurrency error nor go uncounted (which would let them slip past the lockout).
        if (!await signIn.CanSignInAsync(user))
        {
            return await FailAsync(SecurityEventType.LoginFailed, user.Id, "Sign-in not allowed.", Unauthorized(InvalidCredentials));
        }
        if (await users.IsLockedOutAsync(user))
        {
            return await LockedAsync();
        }
        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            return await CountFailureAsync(db, users, user, clock.GetUtcNow(), cancellationToken)
                ? await LockedAsync()
                : await FailAsync(SecurityEventType.LoginFailed, user.Id, "Wrong password.", Unauthorized(InvalidCredentials));
        }
        if (!await ResetFailuresAsync(db, users, user, clock.GetUtcNow(), cancellationToken))
        {
            // Parallel wrong passwords locked the account while this one was being checked.
            return await LockedAsync();
        }

        // A user-only session sees the user's own memberships and their workspaces (policies own_memberships, member_can_see).
        db.UseSession(new TenantSession(null, user.Id));
        var memberships = await ActiveMembershipsAsync(db, user.Id, workspaceId: null, cancellationToken);
        var chosen = request.WorkspaceId is { } requested
            ? memberships.FirstOrDefault(m => m.Workspace.Id == requested)
            : memberships.FirstOrDefault();
        if (chosen is null)
        {
            return await FailAsync(SecurityEventType.PermissionDenied, user.Id,
                request.WorkspaceId is null ? "Sign-in refused: no active membership." : $"Sign-in refused: not a member of workspace {request.WorkspaceId}.",
                TypedResults.Problem(
                    request.WorkspaceId is null ? "You are not an active member of any workspace." : "You are not an active member of this workspace.",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"));
        }

        db.UseSession(new TenantSession(chosen.Workspace.Id, user.Id));
        // One UPDATE, without the concurrency stamp, which a parallel attempt on this account may have changed.
        var signedInAt = clock.GetUtcNow();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
            s => s.SetProperty(u => u.LastLoginAt, signedInAt).SetProperty(u => u.LoginCount, u => u.LoginCount + 1), cancellationToken);
        var session = sessions.Start(user.Id, chosen.Workspace.Id);
        events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, chosen.Workspace.Id, user.Id, user.Email, "Signed in.");
        await db.SaveChangesAsync(cancellationToken);

        var workspaces = memberships
            .Select(m => new WorkspaceMembershipSummary(m.Workspace.Id, m.Workspace.Name, m.Workspace.Slug, TokenIssuer.SnakeCase(m.Role)))
            .ToList();
        return TypedResults.Ok(await tokens.IssueAsync(user, chosen, session, workspaces));

        Task<ProblemHttpResult> LockedAsync() =>
            FailAsync(SecurityEventType.AccountLocked, user.Id, "Sign-in refused: the account is locked out.",
                Unauthorized("Too many failed sign-in attempts: the account is locked for a few minutes. Try again later.", "Account locked"));

        async Task<ProblemHttpResult> FailAsync(SecurityEventType type, Guid? userId, string description, ProblemHttpResult answer)
        {
            // Before a workspace is chosen the event has none (security_logs allows that insert in any session).
            events.Add(type, SecuritySeverity.Warning, null, userId, email, description);
            await db.SaveChangesAsync(cancellationToken);
            return answer;
        }
    }

    /// <summary>
    /// Counts a wrong password in one UPDATE (as UserManager.AccessFailedAsync: at Identity's MaxFailedAccessAttempts the
    /// account is locked for its DefaultLockoutTimeSpan and the count starts again). True when the account is locked.
    /// </summary>
    private static async Task<bool> CountFailureAsync(
        CrmDbContext db, UserManager<CrmUser> users, CrmUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!users.SupportsUserLockout || !user.LockoutEnabled)
        {
            return false;
        }
        var lockout = users.Options.Lockout;
        var max = lockout.MaxFailedAccessAttempts;
        var lockoutEnd = now + lockout.DefaultLockoutTimeSpan;
        // Not while locked (a parallel attempt may have just locked it): the count restarts with the lockout.
        var locked = await db.Database.SqlQuery<bool>($"""
            UPDATE users SET
                access_failed_count = CASE WHEN access_failed_count + 1 >= {max} THEN 0 ELSE access_failed_count + 1 END,
                lockout_end = CASE WHEN access_failed_count + 1 >= {max} THEN {lockoutEnd} ELSE lockout_end END
            WHERE id = {user.Id} AND lockout_enabled AND (lockout_end IS NULL OR lockout_end <= {now})
            RETURNING coalesce(lockout_end > {now}, false) AS "Value"
            """).ToListAsync(cancellationToken);
        // No row: locked by a parallel attempt in between (or lockout was just disabled, which the next attempt sees).
        return locked.Count == 0 || locked[0];
    }

    /// <summary>
    /// Resets the failure count after the right password, as UserManager.ResetAccessFailedCountAsync, in one UPDATE.
    /// False when the account got locked in the meantime.
    /// </summary>
    private static async Task<bool> ResetFailuresAsync(
        CrmDbContext db, UserManager<CrmUser> users, CrmUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!users.SupportsUserLockout)
        {
            return true;
        }
        var reset = await db.Users
            .Where(u => u.Id == user.Id && (!u.LockoutEnabled || u.LockoutEnd == null || u.LockoutEnd <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, 0), cancellationToken);
        return reset > 0;
    }

    /// <summary>The user's active memberships in live workspaces, oldest first (optionally only <paramref name="workspaceId"/>'s).</summary>
    private static async Task<List<ActiveMembership>> ActiveMembershipsAsync(
        CrmDbContext db, Guid userId, Guid? workspaceId, CancellationToken cancellationToken)
    {
        // Without the query filters, which need a workspace; row-level security still limits this to the user's own.
        var rows = await db.WorkspaceMembers.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.UserId == userId && m.Status == MemberStatus.Active && (workspaceId == null || m.WorkspaceId == workspaceId))
            .Join(db.Workspaces.IgnoreQueryFilters().AsNoTracking().Where(w => w.DeletedAt == null),
                m => m.WorkspaceId, w => w.Id, (m, w) => new { Member = m, Workspace = w })
            .OrderBy(x => x.Member.CreatedAt).ThenBy(x => x.Member.Id)
            .ToListAsync(cancellationToken);
        return rows.Select(x => new ActiveMembership(x.Workspace, x.Member.Role, x.Member.RecordScope)).ToList();
    }

    private static readonly CrmUser DummyUser = new();

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<CrmUser>().HashPassword(DummyUser, Guid.NewGuid().ToString()));
}
