using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Territories;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Territories;

/// <summary>
/// Checks the ids a territory names: the manager must be an active member of the workspace; the parent a live
/// territory of the workspace that is neither the territory itself nor below it (<see cref="Hierarchy"/>).
/// </summary>
internal static class TerritoryReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(TerritoryInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        await ResourceRequests.CheckMembersAsync(db, items.Select(i => (i.Input.ManagerId, i.Prefix + "managerId")), errors, cancellationToken);
        // The whole hierarchy, to walk up from each parent: a workspace has tens of territories, not thousands.
        var parents = items.Any(i => i.Input.ParentTerritoryId is not null)
            ? await db.Territories.Where(ResourceRecords.IsLive<Territory>()).ToDictionaryAsync(t => t.Id, t => t.ParentTerritoryId, cancellationToken)
            : [];
        Hierarchy.CheckParents(items, i => i.ParentTerritoryId, parents, "parentTerritoryId", ("territory", "territories"), errors);
    }

    /// <summary>Refuses to delete a territory that companies or live sub-territories still belong to (409).</summary>
    public static async Task<IResult?> CheckDeleteAsync(ResourceServices services, Territory territory, CancellationToken cancellationToken)
    {
        var db = services.Db;
        // Every company counts, whatever the caller's record scope: the territory is the workspace's.
        var companies = await db.Companies.Where(c => c.DeletedAt == null && c.TerritoryId == territory.Id).CountAsync(cancellationToken);
        var children = await db.Territories.Where(t => t.DeletedAt == null && t.ParentTerritoryId == territory.Id).CountAsync(cancellationToken);
        return companies + children == 0
            ? null
            : ResourceRequests.Conflict(
                $"The territory still has {companies} companies and {children} sub-territories; move them to another territory first.");
    }
}
