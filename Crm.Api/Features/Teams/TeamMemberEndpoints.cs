using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Teams;

/// <summary>
/// <c>/api/v1/teams/{teamId}/members</c> (docs/api.md, "Teams"): who is in a team, as member or lead. Every change
/// locks the team's row first, so concurrent changes of one team queue (and a PUT twice is one membership), and is
/// audited on the team: <c>members.{userId}</c> goes from the old role (or null) to the new one.
/// </summary>
internal static class TeamMemberEndpoints
{
    public static void MapTeamMemberEndpoints(this RouteGroupBuilder teams)
    {
        var members = teams.MapGroup("/{teamId:guid}/members");

        members.MapGet("/", ListAsync)
            .WithName("ListTeamMembers")
            .WithSummary("List a team's members")
            .WithDescription("Leads first, then in the order they joined; with each member's email and name.")
            .Produces<TeamMemberList>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        members.MapPut("/{userId:guid}", PutAsync)
            .WithName("PutTeamMember")
            .WithSummary("Add a member to a team, or change their role in it")
            .WithDescription("Body {\"role\": \"member\" | \"lead\"} (default member). 201 when the member joined, 200 when their role was set. " +
                             "The user must be an active member of the workspace (404 otherwise).")
            .Accepts<TeamMemberInput>("application/json")
            .Produces<TeamMemberResponse>(StatusCodes.Status201Created)
            .Produces<TeamMemberResponse>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType);

        members.MapDelete("/{userId:guid}", DeleteAsync)
            .WithName("DeleteTeamMember")
            .WithSummary("Remove a member from a team")
            .WithDescription("Their records stay theirs; teammates with record scope \"team\" stop seeing them at once.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(Guid teamId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        if (!await db.Teams.AnyAsync(t => t.Id == teamId && t.DeletedAt == null, cancellationToken))
        {
            return TeamNotFound();
        }
        var members = await (
                from member in db.TeamMembers.AsNoTracking()
                join workspaceMember in db.WorkspaceMembers.AsNoTracking() on member.UserId equals workspaceMember.UserId
                where member.TeamId == teamId
                orderby member.Role == TeamRole.Lead descending, member.JoinedAt, member.UserId
                select new TeamMemberResponse(
                    member.UserId, member.Role, member.JoinedAt, workspaceMember.User!.Email, workspaceMember.User.FirstName, workspaceMember.User.LastName))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new TeamMemberList(members));
    }

    private static async Task<IResult> PutAsync(Guid teamId, Guid userId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (TeamEndpoints.Resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var parsed = MergePatch.Apply(new TeamMemberInput(), body.Text!, services.Json);
        if (parsed.Errors is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }
        var role = parsed.Value!.Role;

        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockLiveTeamAsync(services, teamId, cancellationToken) is null)
        {
            return TeamNotFound();
        }
        var workspaceMember = await db.WorkspaceMembers.AsNoTracking().Include(m => m.User)
            .FirstOrDefaultAsync(m => m.UserId == userId && m.Status == MemberStatus.Active, cancellationToken);
        if (workspaceMember is null)
        {
            return ResourceRequests.NotFound("active member of this workspace");
        }
        var membership = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, cancellationToken);
        var joined = membership is null;
        var before = membership?.Role;
        if (membership is null)
        {
            membership = new TeamMember { TeamId = teamId, UserId = userId, Role = role, JoinedAt = services.Now };
            db.TeamMembers.Add(membership);
        }
        membership.Role = role;
        if (Audit(services, teamId, userId, before, role) && await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);

        var user = workspaceMember.User;
        var response = new TeamMemberResponse(userId, membership.Role, membership.JoinedAt, user?.Email, user?.FirstName, user?.LastName);
        return joined ? TypedResults.Created($"/api/v1/teams/{teamId}/members/{userId}", response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> DeleteAsync(Guid teamId, Guid userId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (TeamEndpoints.Resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockLiveTeamAsync(services, teamId, cancellationToken) is null)
        {
            return TeamNotFound();
        }
        var membership = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, cancellationToken);
        if (membership is null)
        {
            return ResourceRequests.NotFound("member of this team");
        }
        db.TeamMembers.Remove(membership);
        Audit(services, teamId, userId, membership.Role, null);
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The live team, its row locked until the transaction ends; null when there is none.</summary>
    private static Task<Team?> LockLiveTeamAsync(ResourceServices services, Guid teamId, CancellationToken cancellationToken) =>
        services.Db.Teams.FromSql($"SELECT *, xmin FROM teams WHERE id = {teamId} FOR UPDATE")
            .FirstOrDefaultAsync(t => t.DeletedAt == null, cancellationToken);

    /// <summary>An "updated" audit row on the team when the member's role changed (null: not in the team); whether it did.</summary>
    private static bool Audit(ResourceServices services, Guid teamId, Guid userId, TeamRole? before, TeamRole? after)
    {
        JsonObject Members(TeamRole? role) =>
            new() { ["members"] = new JsonObject { [userId.ToString()] = role is { } r ? EnumNames.Of(r) : null } };
        return services.Audit.Updated(TeamEndpoints.EntityType, teamId, Members(before), Members(after));
    }

    private static IResult TeamNotFound() => ResourceRequests.NotFound(TeamEndpoints.EntityType);
}
