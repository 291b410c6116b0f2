using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Infrastructure.Persistence;
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
    private const int MaxWorkspaceNameLength = 255;

    internal static async Task<Results<Ok<AuthTokenResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, CrmDbContext db, UserManager<CrmUser> users, TokenIssuer tokens, UserSessions sessions,
        SecurityEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        await NewAccounts.ValidateAsync(users, errors, request.Password, request.FirstName, request.LastName, request.Email, checkEmail: true);
        if (string.IsNullOrWhiteSpace(request.WorkspaceName))
        {
            errors["workspaceName"] = ["The workspace name is required."];
        }
        else if (request.WorkspaceName.Trim().Length > MaxWorkspaceNameLength)
        {
            errors["workspaceName"] = [$"The workspace name must be at most {MaxWorkspaceNameLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var email = request.Email!.Trim();
        var name = request.WorkspaceName!.Trim();
        var workspace = new Workspace { Name = name, Slug = Slugs.From(name) };
        var user = NewAccounts.NewUser(email, request.FirstName, request.LastName);
        // Row-level security lets a connection insert only rows of its own workspace: act for the new one from the start.
        db.UseSession(new TenantSession(workspace.Id, user.Id));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await NewAccounts.CreateAsync(users, user, request.Password!) is { } failure)
        {
            if (failure.Invalid is { } invalid)
            {
                return invalid;
            }
            return failure.Conflict!;
        }
        var membership = new WorkspaceMember
        {
            WorkspaceId = workspace.Id,
            UserId = user.Id,
            Role = MemberRole.Owner,
            RecordScope = RecordScope.All,
            Status = MemberStatus.Active,
            JoinedAt = clock.GetUtcNow(),
        };
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
            catch (DbUpdateException e) when (e.IsUniqueViolation("workspaces_slug_unique") && attempt < 5)
            {
                workspace.Slug = Slugs.WithSuffix(Slugs.From(name));
            }
        }
        var session = sessions.Start(user.Id, workspace.Id);
        // Saved after the workspace: the model does not relate security_logs to workspaces, so EF would not order them.
        events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, workspace.Id, user.Id, email, "Registered with a new workspace.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return TypedResults.Ok(await tokens.IssueAsync(user, new ActiveMembership(workspace, membership.Role, membership.RecordScope), session));
    }
}
