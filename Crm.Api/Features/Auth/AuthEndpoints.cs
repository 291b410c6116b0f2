using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crm.Api.Features.Auth;

/// <summary>
/// <c>/api/v1/auth</c>: register (user + workspace + owner membership), login, refresh, logout and me. See
/// docs/api.md, "Authentication", for the status codes.
/// </summary>
public static partial class AuthEndpoints
{
    private const string InvalidCredentials = "Invalid email or password.";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/v1/auth").WithTags("Auth");

        auth.MapPost("/register", RegisterAsync)
            .AllowAnonymous()
            .WithName("Register")
            .WithSummary("Create an account and its workspace")
            .WithDescription("Creates the user, a new workspace and the user's owner membership in one transaction, and signs in to it.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        auth.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .WithName("Login")
            .WithSummary("Sign in to a workspace")
            .WithDescription("Checks the password (5 failures lock the account for 5 minutes) and issues tokens for the given workspace, or the user's oldest.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        auth.MapPost("/refresh", RefreshAsync)
            .AllowAnonymous()
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for new tokens")
            .WithDescription("Refused once the user logged out (their security stamp changed), or left the workspace.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/logout", LogoutAsync)
            .RequireAuthorization()
            .WithName("Logout")
            .WithSummary("Sign out everywhere")
            .WithDescription("Ends every refresh token of the user; access tokens already issued stay valid until they expire.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapGet("/me", GetMeAsync)
            .RequireAuthorization()
            .WithName("GetMe")
            .WithSummary("The caller, their workspace and role")
            .WithDescription("Read through the caller's tenant session (query filters and row-level security).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return routes;
    }

    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, CrmDbContext db, UserManager<CrmUser> users, TokenIssuer tokens, SecurityEvents events,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(request, users);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var email = request.Email!.Trim();
        var user = new CrmUser { UserName = email, Email = email, FirstName = Blank(request.FirstName), LastName = Blank(request.LastName) };
        var name = request.WorkspaceName!.Trim();
        var workspace = new Workspace { Name = name, Slug = Slugs.From(name) };
        var membership = new WorkspaceMember
        {
            WorkspaceId = workspace.Id,
            UserId = user.Id,
            Role = MemberRole.Owner,
            RecordScope = RecordScope.All,
            Status = MemberStatus.Active,
            JoinedAt = clock.GetUtcNow(),
        };

        // Row-level security lets a connection insert only rows of its own workspace: act for the new one from the start.
        db.UseSession(new TenantSession(workspace.Id, user.Id));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var created = await users.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
            {
                return created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
                    ? EmailTaken()
                    : TypedResults.ValidationProblem(ToErrors(created.Errors, "email"));
            }

            db.Workspaces.Add(workspace);
            db.WorkspaceMembers.Add(membership);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Inside a transaction EF rolls a failed save back to its savepoint, so a taken slug can be retried.
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (DbUpdateException e) when (IsUniqueViolation(e, "workspaces_slug_unique") && attempt < 5)
                {
                    workspace.Slug = Slugs.WithSuffix(Slugs.From(name));
                }
            }
            // Saved after the workspace: the model does not relate security_logs to workspaces, so EF would not order them.
            events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, workspace.Id, user.Id, email, "Registered with a new workspace.");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e, "users_normalized_email_unique") || IsUniqueViolation(e, "users_normalized_user_name_unique"))
        {
            // Another registration with this email committed between the check and the insert.
            return EmailTaken();
        }

        return TypedResults.Ok(await tokens.IssueAsync(user, new ActiveMembership(workspace, membership.Role, membership.RecordScope)));
    }

    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, CrmDbContext db, SignInManager<CrmUser> signIn, TokenIssuer tokens, SecurityEvents events,
        TimeProvider clock, CancellationToken cancellationToken)
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
        events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, chosen.Workspace.Id, user.Id, user.Email, "Signed in.");
        await db.SaveChangesAsync(cancellationToken);

        var workspaces = memberships
            .Select(m => new WorkspaceMembershipSummary(m.Workspace.Id, m.Workspace.Name, m.Workspace.Slug, TokenIssuer.SnakeCase(m.Role)))
            .ToList();
        return TypedResults.Ok(await tokens.IssueAsync(user, chosen, workspaces));

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

    internal static async Task<Results<Ok<AuthTokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, CrmDbContext db, SignInManager<CrmUser> signIn, TokenIssuer tokens,
        CancellationToken cancellationToken)
    {
        // As MapIdentityApi's /refresh: an expired or foreign token, or a changed security stamp (logout), is refused.
        var ticket = tokens.ReadRefreshToken(request.RefreshToken);
        if (ticket is null ||
            await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { DeletedAt: null } user ||
            await signIn.UserManager.IsLockedOutAsync(user) ||
            !Guid.TryParse(ticket.Principal.FindFirstValue(CrmClaims.Workspace), out var workspaceId))
        {
            return Unauthorized("The refresh token is invalid, expired or revoked. Sign in again.");
        }

        // The role and scope may have changed since the last sign-in: read them again, and refuse if the member left.
        db.UseSession(new TenantSession(workspaceId, user.Id));
        var membership = (await ActiveMembershipsAsync(db, user.Id, workspaceId, cancellationToken)).SingleOrDefault();
        if (membership is null)
        {
            return Unauthorized("You are no longer an active member of this workspace. Sign in again.");
        }
        return TypedResults.Ok(await tokens.IssueAsync(user, membership));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(
        ClaimsPrincipal principal, CrmDbContext db, UserManager<CrmUser> users, SecurityEvents events, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Unauthorized("The user of this token no longer exists.");
        }
        // A new security stamp invalidates every refresh token of the user. Written with one UPDATE rather than
        // UpdateSecurityStampAsync, whose save under the concurrency stamp fails when a parallel request (another
        // logout, a failed sign-in) changed the user first; the new concurrency stamp fails stale saves, as Identity's.
        var securityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var concurrencyStamp = Guid.NewGuid().ToString();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
            s => s.SetProperty(u => u.SecurityStamp, securityStamp).SetProperty(u => u.ConcurrencyStamp, concurrencyStamp), cancellationToken);
        events.Add(SecurityEventType.Logout, SecuritySeverity.Info, db.Session.WorkspaceId, user.Id, user.Email, "Signed out; refresh tokens revoked.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetMeAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        if (db.Session is not { WorkspaceId: not null, UserId: { } userId })
        {
            return Unauthorized("The token does not name a workspace.");
        }

        // Through the session: the query filter (and row-level security) show this workspace and its members only.
        var workspace = await db.Workspaces.AsNoTracking().Where(w => w.DeletedAt == null).SingleOrDefaultAsync(cancellationToken);
        var member = await db.WorkspaceMembers.AsNoTracking()
            .Where(m => m.UserId == userId && m.Status == MemberStatus.Active)
            .Select(m => new { m.Role, m.RecordScope, m.User!.Email, m.User.FirstName, m.User.LastName })
            .SingleOrDefaultAsync(cancellationToken);
        if (workspace is null || member is null)
        {
            return TypedResults.Problem("You are no longer an active member of this workspace.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }
        return TypedResults.Ok(new MeResponse(
            userId, member.Email ?? "", member.FirstName, member.LastName,
            new WorkspaceSummary(workspace.Id, workspace.Name, workspace.Slug),
            TokenIssuer.SnakeCase(member.Role), TokenIssuer.SnakeCase(member.RecordScope)));
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

    private static async Task<Dictionary<string, string[]>> ValidateAsync(RegisterRequest request, UserManager<CrmUser> users)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors["email"] = ["The email is required."];
        }
        else if (email.Length > 256 || !EmailFormat().IsMatch(email))
        {
            errors["email"] = [$"'{(email.Length > 256 ? email[..256] + "…" : email)}' is not a valid email address."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["The password is required."];
        }
        else
        {
            var failures = new List<IdentityError>();
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, new CrmUser(), request.Password);
                failures.AddRange(result.Errors);
            }
            if (failures.Count > 0)
            {
                errors["password"] = failures.Select(f => f.Description).ToArray();
            }
        }

        if (string.IsNullOrWhiteSpace(request.WorkspaceName))
        {
            errors["workspaceName"] = ["The workspace name is required."];
        }
        else if (request.WorkspaceName.Trim().Length > 255)
        {
            errors["workspaceName"] = ["The workspace name must be at most 255 characters."];
        }

        if (request.FirstName?.Trim().Length > 100)
        {
            errors["firstName"] = ["The first name must be at most 100 characters."];
        }
        if (request.LastName?.Trim().Length > 100)
        {
            errors["lastName"] = ["The last name must be at most 100 characters."];
        }
        return errors;
    }

    private static Dictionary<string, string[]> ToErrors(IEnumerable<IdentityError> errors, string field) =>
        new() { [field] = errors.Select(e => e.Description).ToArray() };

    private static ProblemHttpResult EmailTaken() =>
        TypedResults.Problem("An account with this email already exists. Sign in instead.", statusCode: StatusCodes.Status409Conflict, title: "Email already registered");

    private static ProblemHttpResult Unauthorized(string detail, string title = "Unauthorized") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsUniqueViolation(DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres &&
        postgres.ConstraintName == constraint;

    private static readonly CrmUser DummyUser = new();

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<CrmUser>().HashPassword(DummyUser, Guid.NewGuid().ToString()));

    /// <summary>The users_email_format check of migration 0002, so a valid request never fails in the database.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex EmailFormat();
}
