using Crm.Api.Infrastructure.Resources;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Companies;

/// <summary>
/// Checks the ids a company input names, in one query each for a whole batch: the owner as for every record
/// (<see cref="ResourceRequests.CheckOwnersAsync"/>); the parent must be a live company the caller sees, and not the
/// company itself.
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

        foreach (var (input, prefix, id) in items)
        {
            if (input.ParentCompanyId is { } parentId && (parentId == id || !parents.Contains(parentId)))
            {
                errors[prefix + "parentCompanyId"] = [parentId == id ? "A company cannot be its own parent." : "No such company."];
            }
        }
    }
}
