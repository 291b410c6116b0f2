using Crm.Api.Features.Timeline;
using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.Activities;

/// <summary>
/// Checks the ids an activity input names, in one query per kind for a whole batch: the owner as for every record
/// (<see cref="ResourceRequests.CheckOwnersAsync"/>); the linked records and participating contacts must be live ones the
/// caller sees; the assignee, participating users and reminder recipients active members of the workspace.
/// </summary>
internal static class ActivityReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(ActivityInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        await ResourceRequests.CheckOwnersAsync(db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);
        await RecordLinks.CheckAsync(services, [.. items.Select(i => ((ILinkedInput)i.Input, i.Prefix))], errors, cancellationToken);
        var participants = items.SelectMany(i => i.Input.Participants.Select((p, n) => (Participant: p, At: $"{i.Prefix}participants[{n}].")));
        await RecordLinks.CheckAsync(
            services.Visible(db.Contacts), participants.Select(p => (p.Participant.ContactId, p.At + "contactId")), "contact", errors, cancellationToken);
        var users = items.Select(i => (i.Input.AssignedTo, i.Prefix + "assignedTo"))
            .Concat(participants.Select(p => (p.Participant.UserId, p.At + "userId")))
            .Concat(items.SelectMany(i => i.Input.Reminders.Select((r, n) => (r.RecipientId, $"{i.Prefix}reminders[{n}].recipientId"))));
        await ResourceRequests.CheckMembersAsync(db, users, errors, cancellationToken);
    }
}
