using Crm.Api.Infrastructure.Resources;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.SavedViews;

/// <summary>
/// Checks what a saved view names: its team must be a live team of the workspace, and its filters, q and sort must
/// make a valid list request of its object type (the same check the list makes), so the view always runs.
/// </summary>
internal static class SavedViewReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(SavedViewInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var teamIds = items.Select(i => i.Input.TeamId).OfType<Guid>().Distinct().ToList();
        var teams = teamIds.Count == 0 ? [] : await services.Db.Teams.Where(t => t.DeletedAt == null && teamIds.Contains(t.Id))
            .Select(t => t.Id).ToListAsync(cancellationToken);
        foreach (var (input, prefix, _) in items)
        {
            if (input.TeamId is { } teamId && !teams.Contains(teamId))
            {
                errors[prefix + "teamId"] = ["No such team."];
            }
            if (input.ObjectType is { } objectType && ObjectTypes.All.TryGetValue(objectType, out var entry))
            {
                var query = SavedViewQuery.ToListQuery(input.Filters, input.Q, input.Sort);
                foreach (var (parameter, messages) in entry.CheckListQuery(services.Db, query))
                {
                    errors.TryAdd(prefix + parameter, messages);
                }
            }
        }
    }
}
