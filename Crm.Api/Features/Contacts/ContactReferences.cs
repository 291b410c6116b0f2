using Crm.Api.Infrastructure.Resources;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Contacts;

/// <summary>
/// Checks the ids a contact input names, in one query each for a whole batch: the owner as for every record
/// (<see cref="ResourceRequests.CheckOwnersAsync"/>), and the company must be a live company the caller sees (so
/// never one of another workspace).
/// </summary>
internal static class ContactReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(ContactInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        await ResourceRequests.CheckOwnersAsync(
            services.Db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);
        var companyIds = items.Select(i => i.Input.CompanyId).OfType<Guid>().Distinct().ToList();
        var companies = companyIds.Count == 0 ? [] : await services.Visible(services.Db.Companies)
            .Where(c => companyIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        foreach (var (input, prefix, _) in items)
        {
            if (input.CompanyId is { } companyId && !companies.Contains(companyId))
            {
                errors[prefix + "companyId"] = ["No such company."];
            }
        }
    }
}
