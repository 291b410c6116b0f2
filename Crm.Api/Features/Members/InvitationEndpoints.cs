using System.Security.Claims;
using System.Text.Json.Nodes;
using Crm.Api.Features.Auth;
using Crm.Api.Features.Auth.ApiKeys;
using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Persistence;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Members;

/// <summary>
/// Invitations: owners and admins invite an email with a role and record scope (<c>/api/v1/members/invitations</c>);
/// the invitee accepts with the token (<c>POST /api/v1/auth/invitations/accept</c>), creating an account if they have
/// none, and is signed in to the workspace. The token is answered once, single-use, and expires
/// (<c>Auth:InvitationLifetime</c>, default 7 days). Delivering it (by email) is the inviter's business for now.
/// </summary>
public static class InvitationEndpoints
{
    public const string EntityType = "invitation";

    /// <summary>The start of every invitation token.</summary>
    public const string TokenPrefix = "inv_";

    private static readonly ListingSchema<MemberInvitation> Listing = new ListingSchema<MemberInvitation>("invitations", i => i.Id)
        .Field("email", i => i.Email, sortable: true, filterable: true, searchable: true)
        .Field("role", i => i.Role, filterable: true)
        .Field("createdAt", i => i.CreatedAt, sortable: true, filterable: true)
        .Field("expiresAt", i => i.ExpiresAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");

    public static RouteGroupBuilder MapInvitationEndpoints(this RouteGroupBuilder members)
    {
        members.MapPost("/invitations", CreateAsync)
            .WithName("InviteMember")
            .WithSummary("Invite someone to the workspace")
            .WithDescription("Answers the invitation with its token, once. Inviting the same email again replaces its pending invitation. Idempotency-Key is not supported: a replay would have to store the token.")
            .Produces<InvitationResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        members.MapGet("/invitations", ListAsync)
            .WithName("ListInvitations")
            .WithSummary("List pending invitations")
            .WithDescription("Not accepted and not revoked (expired ones included, until replaced); never a token.")
            .ProducesValidationProblem();

        members.MapDelete("/invitations/{id:guid}", RevokeAsync)
            .WithName("RevokeInvitation")
            .WithSummary("Revoke a pending invitation")
            .WithDescription("Its token stops working. 409 once accepted.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return members;
    }

    public static RouteGroupBuilder MapInvitationAcceptance(this RouteGroupBuilder auth)
    {
        auth.MapPost("/invitations/accept", AcceptAsync)
            .AllowAnonymous()
            .WithName("AcceptInvitation")
            .WithSummary("Join a workspace with an invitation token")
            .WithDescription("Anonymous with a password: creates the account of the invited email. Signed in (as that email): joins with the existing account. Answers tokens for the workspace.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);
        return auth;
    }

    internal static async Task<Results<Created<InvitationResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateInvitationRequest request, CrmDbContext db, HttpContext httpContext, UserManager<CrmUser> users, SecurityEvents events,
        IConfiguration configuration, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.MembersManage))
        {
            return CallerAccess.Forbidden(MemberRules.NotAllowed);
        }
        var errors = new Dictionary<string, string[]>();
        NewAccounts.ValidateEmail(request.Email, errors);
        if (!TokenIssuer.TryParseSnakeCase<MemberRole>(request.Role, out var role))
        {
            errors["role"] = [$"Give one of: {string.Join(", ", Roles.All.Select(r => TokenIssuer.SnakeCase(r.Role)))}."];
        }
        if (!TokenIssuer.TryParseSnakeCase<RecordScope>(request.RecordScope, out var scope))
        {
            errors["recordScope"] = ["Give one of: all, team, own."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (role == MemberRole.Owner && !caller.Has(Permission.OwnersManage))
        {
            return CallerAccess.Forbidden("Only owners invite owners.");
        }

        var email = request.Email!.Trim();
        var normalized = users.NormalizeEmail(email);
        var alreadyMember = await db.WorkspaceMembers.AnyAsync(m => m.User!.NormalizedEmail == normalized, cancellationToken);
        if (alreadyMember)
        {
            return ResourceRequests.Conflict("Someone with this email is already a member of the workspace.", "email");
        }

        var now = clock.GetUtcNow();
        var lower = email.ToLowerInvariant();
        await db.MemberInvitations.Where(i => i.Email.ToLower() == lower && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), cancellationToken);
        var (token, hash) = WorkspaceSecrets.Create(TokenPrefix, db.Session.WorkspaceId!.Value);
        var invitation = new MemberInvitation
        {
            Email = email,
            Role = role,
            RecordScope = scope,
            TokenHash = hash,
            InvitedBy = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + configuration.GetValue("Auth:InvitationLifetime", TimeSpan.FromDays(7)),
        };
        db.MemberInvitations.Add(invitation);
        var audit = AuditTrail.For(httpContext, db);
        var response = InvitationResponse.From(invitation);
        audit.Created(EntityType, invitation.Id, audit.Snapshot(response));
        events.Add(SecurityEventType.MemberInvited, SecuritySeverity.Info, db.Session.WorkspaceId, caller.UserId,
            httpContext.User.FindFirstValue(ClaimTypes.Email), $"{email} invited as {TokenIssuer.SnakeCase(role)}, scope {TokenIssuer.SnakeCase(scope)}.");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created((string?)null, response with { Token = token });
    }

    internal static async Task<Results<Ok<ListPage<InvitationResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ListQuery query, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!CallerAccess.From(httpContext.User).Has(Permission.MembersManage))
        {
            return CallerAccess.Forbidden(MemberRules.NotAllowed);
        }
        var page = await db.MemberInvitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.RevokedAt == null)
            .ToListResultAsync(Listing, query, i => InvitationResponse.From(i), cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<InvitationResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, CrmDbContext db, HttpContext httpContext, SecurityEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.MembersManage))
        {
            return CallerAccess.Forbidden(MemberRules.NotAllowed);
        }
        var invitation = await db.MemberInvitations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invitation is null)
        {
            return ResourceRequests.NotFound(EntityType);
        }
        if (invitation.AcceptedAt is not null)
        {
            return ResourceRequests.Conflict("The invitation was accepted: remove the member instead.");
        }
        if (invitation.RevokedAt is null)
        {
            var now = clock.GetUtcNow();
            invitation.RevokedAt = now;
            AuditTrail.For(httpContext, db).Record(AuditAction.Updated, EntityType, id,
                new JsonObject { ["revokedAt"] = null }, new JsonObject { ["revokedAt"] = now });
            events.Add(SecurityEventType.InvitationRevoked, SecuritySeverity.Info, db.Session.WorkspaceId, caller.UserId,
                httpContext.User.FindFirstValue(ClaimTypes.Email), $"The invitation of {invitation.Email} was revoked.");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> AcceptAsync(
        AcceptInvitationRequest request, HttpContext httpContext, CrmDbContext db, UserManager<CrmUser> users, TokenIssuer tokens,
        UserSessions sessions, CurrentMembership membership, SecurityEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Signed in: join with that account (its session must still be active). An API key cannot join anything.
        var principal = httpContext.User;
        Guid? signedIn = null;
        if (principal.Identity?.IsAuthenticated == true)
        {
            if (ApiKeyPrincipal.Read(principal) is not null)
            {
                return CallerAccess.Forbidden("An API key cannot accept invitations: sign in, or accept without signing in.");
            }
            if (TokenIssuer.SessionOf(principal) is not { } sessionId || !await membership.IsSessionActiveAsync(db, sessionId, cancellationToken))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: CurrentMembership.SessionEnded);
            }
            signedIn = CallerAccess.From(principal).UserId;
        }

        // The token names its workspace: look the invitation up there.
        if (!WorkspaceSecrets.TryRead(request.Token, TokenPrefix, out var workspaceId, out var hash))
        {
            return ResourceRequests.Invalid("token", "This is not an invitation token.");
        }
        db.UseSession(new TenantSession(workspaceId, signedIn));
        var invitation = await db.MemberInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        var workspace = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.DeletedAt == null, cancellationToken);
        if (invitation is null || workspace is null)
        {
            return ResourceRequests.Invalid("token", "This is not an invitation token.");
        }
        var now = clock.GetUtcNow();
        if (Unusable(invitation, now) is { } gone)
        {
            return gone;
        }

        CrmUser? user;
        if (signedIn is { } userId)
        {
            user = await users.FindByIdAsync(userId.ToString());
            if (user is null || !string.Equals(user.NormalizedEmail, users.NormalizeEmail(invitation.Email), StringComparison.Ordinal))
            {
                return CallerAccess.Forbidden("This invitation is for another email address than the account you are signed in with.");
            }
        }
        else
        {
            var errors = new Dictionary<string, string[]>();
            await NewAccounts.ValidateAsync(users, errors, request.Password, request.FirstName, request.LastName);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            user = NewAccounts.NewUser(invitation.Email, request.FirstName, request.LastName);
        }

        db.UseSession(new TenantSession(workspaceId, user.Id));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (signedIn is null && await NewAccounts.CreateAsync(users, user, request.Password!) is { } failure)
        {
            if (failure.Invalid is { } invalid)
            {
                return invalid;
            }
            return failure.Conflict!;
        }
        // Single use: only the first of two concurrent acceptances claims it.
        var claimed = await db.MemberInvitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedBy, user.Id), cancellationToken);
        if (claimed == 0)
        {
            return Gone("This invitation has just been used.");
        }
        var member = new WorkspaceMember
        {
            UserId = user.Id,
            Role = invitation.Role,
            RecordScope = invitation.RecordScope,
            Status = MemberStatus.Active,
            InvitedBy = invitation.InvitedBy,
            InvitedAt = invitation.CreatedAt,
            JoinedAt = now,
        };
        db.WorkspaceMembers.Add(member);
        var audit = AuditTrail.For(httpContext, db);
        audit.Created(MemberEndpoints.EntityType, user.Id, audit.Snapshot(MemberInput.From(member)));
        events.Add(SecurityEventType.MemberJoined, SecuritySeverity.Info, workspaceId, user.Id, user.Email,
            $"Joined as {TokenIssuer.SnakeCase(member.Role)} by invitation {invitation.Id}.");
        var session = sessions.Start(user.Id, workspaceId);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation("workspace_members_unique"))
        {
            return ResourceRequests.Conflict("You are already a member of this workspace.");
        }
        await transaction.CommitAsync(cancellationToken);
        membership.Forget(workspaceId, user.Id);
        return TypedResults.Ok(await tokens.IssueAsync(user, new ActiveMembership(workspace, member.Role, member.RecordScope), session));
    }

    /// <summary>410 for an invitation that was valid once: accepted, revoked or expired.</summary>
    private static ProblemHttpResult? Unusable(MemberInvitation invitation, DateTimeOffset now) =>
        invitation.AcceptedAt is not null ? Gone("This invitation has already been used.")
        : invitation.RevokedAt is not null ? Gone("This invitation was revoked or replaced by a newer one.")
        : invitation.ExpiresAt <= now ? Gone("This invitation has expired. Ask for a new one.")
        : null;

    private static ProblemHttpResult Gone(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Invitation no longer valid", detail: detail);
}
