using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Teams;

/// <summary>Checks the ids a team names (an active member as manager, a parent in the hierarchy) and what blocks deleting one.</summary>
internal static class TeamReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(TeamInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        await ResourceRequests.CheckMembersAsync(db, items.Select(i => (i.Input.ManagerId, i.Prefix + "managerId")), errors, cancellationToken);
        // The whole hierarchy, to walk up from each parent: a workspace has tens of teams, not thousands.
        var parents = items.Any(i => i.Input.ParentTeamId is not null)
            ? await db.Teams.Where(ResourceRecords.IsLive<Team>()).ToDictionaryAsync(t => t.Id, t => t.ParentTeamId, cancellationToken)
            : [];
        Hierarchy.CheckParents(items, i => i.ParentTeamId, parents, "parentTeamId", ("team", "teams"), errors);
    }

    /// <summary>
    /// Refuses to delete a team that live sub-teams still belong to (409). Its members stay listed on the deleted team
    /// (a restore brings the team back whole), but record scope "team" no longer counts them as teammates.
    /// </summary>
    public static async Task<IResult?> CheckDeleteAsync(ResourceServices services, Team team, CancellationToken cancellationToken)
    {
        var children = await services.Db.Teams.CountAsync(t => t.DeletedAt == null && t.ParentTeamId == team.Id, cancellationToken);
        return children == 0
            ? null
            : ResourceRequests.Conflict($"The team still has {children} sub-teams; move them to another team first.");
    }
}
