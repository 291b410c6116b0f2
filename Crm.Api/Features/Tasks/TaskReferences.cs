using Crm.Api.Features.Timeline;
using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.Tasks;

/// <summary>
/// Checks the ids a task input names, in one query per kind for a whole batch: the assignee as the owner of every record
/// (<see cref="ResourceRequests.CheckOwnersAsync"/>: an active member; scope own or team may assign only themselves), and
/// the linked records must be live ones the caller sees.
/// </summary>
internal static class TaskReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(TaskInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        await ResourceRequests.CheckOwnersAsync(
            services.Db, services.Caller, [.. items.Select(i => (i.Input.AssignedTo, i.Prefix))], errors, cancellationToken, field: "assignedTo");
        await RecordLinks.CheckAsync(services, [.. items.Select(i => ((ILinkedInput)i.Input, i.Prefix))], errors, cancellationToken);
    }
}
