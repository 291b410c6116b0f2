using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;
using Crm.Domain.Territories;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Territories;

/// <summary>
/// Checks the ids a territory names: the manager must be an active member of the workspace; the parent a live
/// territory of the workspace that is neither the territory itself nor below it (the hierarchy has no cycles; the
/// database's trigger territories_no_cycle is the backstop for concurrent changes).
/// </summary>
internal static class TerritoryReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(TerritoryInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        var managerIds = items.Select(i => i.Input.ManagerId).OfType<Guid>().Distinct().ToList();
        var members = managerIds.Count == 0 ? [] : await db.WorkspaceMembers
            .Where(m => managerIds.Contains(m.UserId) && m.Status == MemberStatus.Active).Select(m => m.UserId).ToListAsync(cancellationToken);
        // The whole hierarchy, to walk up from each parent: a workspace has tens of territories, not thousands.
        var parents = items.Any(i => i.Input.ParentTerritoryId is not null)
            ? await db.Territories.Where(ResourceRecords.IsLive<Territory>()).ToDictionaryAsync(t => t.Id, t => t.ParentTerritoryId, cancellationToken)
            : [];

        foreach (var (input, prefix, id) in items)
        {
            if (input.ManagerId is { } managerId && !members.Contains(managerId))
            {
                errors[prefix + "managerId"] = ["Not an active member of this workspace."];
            }
            if (input.ParentTerritoryId is { } parentId)
            {
                if (!parents.ContainsKey(parentId))
                {
                    errors[prefix + "parentTerritoryId"] = ["No such territory."];
                }
                else if (IsAtOrBelow(parentId, id, parents))
                {
                    errors[prefix + "parentTerritoryId"] = ["A territory cannot be under itself or one of its own sub-territories."];
                }
            }
        }
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

    /// <summary>Whether walking up from <paramref name="start"/> meets <paramref name="territoryId"/>.</summary>
    private static bool IsAtOrBelow(Guid start, Guid territoryId, Dictionary<Guid, Guid?> parents)
    {
        var seen = new HashSet<Guid>();
        for (Guid? current = start; current is { } at && seen.Add(at); current = parents.GetValueOrDefault(at))
        {
            if (at == territoryId)
            {
                return true;
            }
        }
        return false;
    }
}
