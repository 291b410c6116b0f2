using Crm.Api.Features.Timeline;
using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.Notes;

/// <summary>
/// Checks the ids a note input names, in one query per kind for a whole batch: the owner as for every record, the
/// linked records (live ones the caller sees) and the mentioned members (active members of the workspace).
/// </summary>
internal static class NoteReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(NoteInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        await ResourceRequests.CheckOwnersAsync(
            services.Db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);
        await RecordLinks.CheckAsync(services, [.. items.Select(i => ((ILinkedInput)i.Input, i.Prefix))], errors, cancellationToken);
        await Mentions.CheckMembersAsync(services, items.Select(i => (i.Input.Mentions, i.Prefix)), errors, cancellationToken);
    }
}
