using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Territories;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Companies;

/// <summary>
/// Checks the ids a company input names, in one query each for a whole batch: the owner as for every record
/// (<see cref="ResourceRequests.CheckOwnersAsync"/>); the parent must be a live company the caller sees, and not the
/// company itself; the territory must be a live territory of the workspace.
/// </summary>
internal static class CompanyReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(CompanyInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        await ResourceRequests.CheckOwnersAsync(
            services.Db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);
        var parentIds = items.Select(i => i.Input.ParentCompanyId).OfType<Guid>().Distinct().ToList();
        var parents = parentIds.Count == 0 ? [] : await services.Visible(services.Db.Companies)
            .Where(c => parentIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        var territoryIds = items.Select(i => i.Input.TerritoryId).OfType<Guid>().Distinct().ToList();
        var territories = territoryIds.Count == 0 ? [] : await services.Db.Territories.Where(ResourceRecords.IsLive<Territory>())
            .Where(t => territoryIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken);

        foreach (var (input, prefix, id) in items)
        {
            if (input.ParentCompanyId is { } parentId && (parentId == id || !parents.Contains(parentId)))
            {
                errors[prefix + "parentCompanyId"] = [parentId == id ? "A company cannot be its own parent." : "No such company."];
            }
            if (input.TerritoryId is { } territoryId && !territories.Contains(territoryId))
            {
                errors[prefix + "territoryId"] = ["No such territory."];
            }
        }
    }
}
