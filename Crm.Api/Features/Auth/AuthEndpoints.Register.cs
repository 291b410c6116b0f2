using Crm.Api.Features.Auth.Sessions;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

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
        var workspace = NewWorkspaces.Workspace(name);
        var user = NewAccounts.NewUser(email, request.FirstName, request.LastName);
        db.UseSession(NewWorkspaces.SessionOf(workspace, user));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await NewWorkspaces.CreateAsync(db, users, workspace, user, request.Password!, clock, cancellationToken);
        if (created.Failure is { } failure)
        {
            if (failure.Invalid is { } invalid)
            {
                return invalid;
            }
            return failure.Conflict!;
        }
        var membership = created.Membership!;
        var session = sessions.Start(user.Id, workspace.Id);
        // Saved after the workspace: the model does not relate security_logs to workspaces, so EF would not order them.
        events.Add(SecurityEventType.LoginSuccess, SecuritySeverity.Info, workspace.Id, user.Id, email, "Registered with a new workspace.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return TypedResults.Ok(await tokens.IssueAsync(user, new ActiveMembership(workspace, membership.Role, membership.RecordScope), session));
    }
}
