using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Teams;

/// <summary>
/// <c>/api/v1/teams</c> (docs/api.md, "Teams"): groups of members in a hierarchy without cycles, and their members
/// (<see cref="TeamMemberEndpoints"/>). A member with record scope "team" sees the records of their teams' members.
/// Seen by every member; written by those who manage members (owners and admins).
/// </summary>
public static class TeamEndpoints
{
    public const string EntityType = "team";

    internal static readonly ResourceDefinition<Team, TeamInput, TeamResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "teams",
        OperationSingular = "Team",
        OperationPlural = "Teams",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "409 when a live team has taken its name meanwhile. Its members come back with it.",
        Set = db => db.Teams,
        New = id => new Team { Id = id, Name = "" },
        Listing = TeamListing.Schema,
        WorkspaceWide = true,
        WritePermission = Permission.MembersManage,
        ToInput = t => t.ToInput(),
        ToResponse = t => t.ToResponse(),
        Apply = (input, team) => input.Apply(team),
        OwnedByDefault = (input, _) => input,
        Validate = TeamValidator.Validate,
        CheckReferences = TeamReferences.CheckAsync,
        CheckDelete = TeamReferences.CheckDeleteAsync,
        Conflicts = [new("teams_name_unique", "name", "A team with this name already exists in the workspace.")],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(TeamBatchRequest),
        BatchResponseType = typeof(TeamBatchResponse),
        ToBatchResponse = responses => new TeamBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapTeamEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource).MapTeamMemberEndpoints();
        return routes;
    }
}
