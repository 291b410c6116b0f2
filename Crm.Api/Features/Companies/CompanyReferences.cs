using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Companies;

/// <summary>
/// Checks the ids a company input names, in one query each for a whole batch: the owner must be an active member of
/// the workspace (the users foreign key alone would accept anyone's user), and a caller who sees only their own records
/// may only own them; the parent must be a live company the caller sees, and not the company itself.
/// </summary>
internal static class CompanyReferences
{
    public static async Task CheckAsync(
        CompanyServices services, IReadOnlyList<(CompanyInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        var ownerIds = items.Select(i => i.Input.OwnerId).OfType<Guid>().Distinct().ToList();
        var members = ownerIds.Count == 0 ? [] : await services.Db.WorkspaceMembers
            .Where(m => ownerIds.Contains(m.UserId) && m.Status == MemberStatus.Active)
            .Select(m => m.UserId).ToListAsync(cancellationToken);
        var parentIds = items.Select(i => i.Input.ParentCompanyId).OfType<Guid>().Distinct().ToList();
        var parents = parentIds.Count == 0 ? [] : await services.Visible
            .Where(c => parentIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);

        foreach (var (input, prefix, id) in items)
        {
            if (input.OwnerId is { } ownerId)
            {
                if (!members.Contains(ownerId))
                {
                    errors[prefix + "ownerId"] = ["Not an active member of this workspace."];
                }
                else if (caller.Scope != RecordScope.All && ownerId != caller.UserId)
                {
                    errors[prefix + "ownerId"] = ["Your record scope lets you assign records only to yourself."];
                }
            }
            if (input.ParentCompanyId is { } parentId && (parentId == id || !parents.Contains(parentId)))
            {
                errors[prefix + "parentCompanyId"] = [parentId == id ? "A company cannot be its own parent." : "No such company."];
            }
        }
    }
}
