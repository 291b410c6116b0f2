using Crm.Api.Features.Pipelines;
using Crm.Api.Infrastructure.Persistence;
using Crm.Domain;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth;

/// <summary>
/// A new workspace with its first user as owner: what <c>POST /api/v1/auth/register</c> creates, and the demo workspace
/// (<see cref="Demo.DemoWorkspace"/>) through the same steps. The workspace starts with <see cref="DefaultPipeline"/>,
/// so deals can be created at once without naming a pipeline.
/// <code>
/// var (workspace, user) = (NewWorkspaces.Workspace(name), NewAccounts.NewUser(email, first, last));
/// db.UseSession(NewWorkspaces.SessionOf(workspace, user));
/// await using var transaction = await db.Database.BeginTransactionAsync(ct);
/// var created = await NewWorkspaces.CreateAsync(db, users, workspace, user, password, clock, ct);
/// ... (created.Failure: answer it) ...
/// await transaction.CommitAsync(ct);
/// </code>
/// </summary>
internal static class NewWorkspaces
{
    private const int SlugAttempts = 5;

    public static Workspace Workspace(string name) => new() { Name = name, Slug = Slugs.From(name) };

    /// <summary>
    /// The session to create the workspace in. Row-level security lets a connection insert only rows of its own
    /// workspace, so the context acts for the new one from the start (set before the transaction opens the connection).
    /// </summary>
    public static TenantSession SessionOf(Workspace workspace, CrmUser user) => new(workspace.Id, user.Id);

    /// <summary>
    /// Saves the user, the workspace, the user's owner membership and the default pipeline, in the transaction the
    /// caller began on <paramref name="db"/> (which commits it). A taken slug gets a suffix; an email that has an account
    /// or a user name Identity refuses is a <see cref="CreateFailure"/>, and nothing is saved.
    /// </summary>
    public static async Task<NewWorkspaceResult> CreateAsync(
        CrmDbContext db, UserManager<CrmUser> users, Workspace workspace, CrmUser user, string password, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await NewAccounts.CreateAsync(users, user, password) is { } failure)
        {
            return new NewWorkspaceResult(null, failure);
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
        var (pipeline, stages) = DefaultPipeline.For(workspace.Id, user.Id, workspace.Currency);
        db.Workspaces.Add(workspace);
        db.WorkspaceMembers.Add(membership);
        db.Pipelines.Add(pipeline);
        db.PipelineStages.AddRange(stages);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Inside a transaction EF rolls a failed save back to its savepoint, so a taken slug can be retried.
                await db.SaveChangesAsync(cancellationToken);
                return new NewWorkspaceResult(membership, null);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation("workspaces_slug_unique") && attempt < SlugAttempts)
            {
                workspace.Slug = Slugs.WithSuffix(Slugs.From(workspace.Name));
            }
        }
    }
}

/// <summary>The owner's membership of the new workspace, or why the user could not be created.</summary>
internal sealed record NewWorkspaceResult(WorkspaceMember? Membership, CreateFailure? Failure);
