using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Activities;

namespace Crm.Api.Features.Activities;

/// <summary>Between <see cref="Activity"/> (with its participants and reminders) and its DTOs.</summary>
internal static class ActivityMapping
{
    /// <summary>The input fields; participants and reminders in an order of their own (organizers first, earliest reminder first).</summary>
    public static ActivityInput ToInput(this Activity a) => new()
    {
        Type = a.Type, Subject = a.Subject, Description = a.Description, Status = a.Status, Priority = a.Priority,
        Direction = a.Direction, ScheduledAt = a.ScheduledAt, StartedAt = a.StartedAt, CompletedAt = a.CompletedAt,
        DueAt = a.DueAt, DurationMinutes = a.DurationMinutes, Location = a.Location, MeetingUrl = a.MeetingUrl,
        Outcome = a.Outcome, OutcomeNotes = a.OutcomeNotes, FollowUpRequired = a.FollowUpRequired, FollowUpAt = a.FollowUpAt,
        CustomFields = JsonNode.Parse(a.CustomFields)!.AsObject(), ContactId = a.ContactId, CompanyId = a.CompanyId, DealId = a.DealId, LeadId = a.LeadId,
        OwnerId = a.OwnerId, AssignedTo = a.AssignedTo,
        Participants =
        [
            .. a.Participants.OrderBy(p => p.Role).ThenBy(p => p.ParticipantType).ThenBy(p => p.UserId).ThenBy(p => p.ContactId)
                .ThenBy(p => p.Email, StringComparer.OrdinalIgnoreCase).Select(p => new ParticipantInput
            {
                UserId = p.UserId, ContactId = p.ContactId, Email = p.Email, Name = p.Name, Role = p.Role, ResponseStatus = p.ResponseStatus,
            }),
        ],
        Reminders =
        [
            .. a.Reminders.OrderByDescending(r => r.MinutesBefore).ThenBy(r => r.Channel).ThenBy(r => r.RecipientId).Select(r => new ReminderInput
            {
                Channel = r.Channel, MinutesBefore = r.MinutesBefore, RecipientId = r.RecipientId,
            }),
        ],
    };

    public static ActivityResponse ToResponse(this Activity a) => new(a.ToInput())
    {
        Id = a.Id,
        OccurredAt = a.OccurredAt,
        CreatedBy = a.CreatedBy,
        UpdatedBy = a.UpdatedBy,
        CreatedAt = a.CreatedAt,
        UpdatedAt = a.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated (<see cref="ActivityValidator"/>, so normalized) input onto the activity. Participants and
    /// reminders already there are kept and updated when the input still has them (a reminder keeps whether it was
    /// sent unless its time moves), added when new, and removed when gone. The pipeline applies inputs that failed
    /// validation too (and then answers 400), so nothing here may assume a valid one.
    /// </summary>
    public static void Apply(this ActivityInput i, Activity a)
    {
        a.Type = i.Type.GetValueOrDefault();
        a.Subject = i.Subject ?? "";
        a.Description = i.Description;
        a.Status = i.Status;
        a.Priority = i.Priority ?? ActivityPriority.Medium;
        a.Direction = i.Direction;
        a.ScheduledAt = i.ScheduledAt;
        a.StartedAt = i.StartedAt;
        a.CompletedAt = i.CompletedAt;
        a.DueAt = i.DueAt;
        a.DurationMinutes = i.DurationMinutes;
        a.Location = i.Location;
        a.MeetingUrl = i.MeetingUrl;
        a.Outcome = i.Outcome;
        a.OutcomeNotes = i.OutcomeNotes;
        a.FollowUpRequired = i.FollowUpRequired;
        a.FollowUpAt = i.FollowUpAt;
        a.CustomFields = i.CustomFields.ToJsonString();
        a.ContactId = i.ContactId;
        a.CompanyId = i.CompanyId;
        a.DealId = i.DealId;
        a.LeadId = i.LeadId;
        a.OwnerId = i.OwnerId;
        a.AssignedTo = i.AssignedTo;
        ApplyParticipants(i.Participants, a);
        ApplyReminders(i.Reminders, i.ScheduledAt ?? i.DueAt, a);
    }

    /// <summary>
    /// Keeps the completion time true to the status, before the activity is saved (<see cref="ResourceDefinition{TEntity, TInput, TResponse}.AfterApply"/>):
    /// now (or the start, if that is later) when it becomes completed without one; none when it is not completed.
    /// </summary>
    public static Task StampCompletionAsync(ResourceServices services, Activity a, ActivityInput? before, CancellationToken cancellationToken)
    {
        if (a.Status != ActivityStatus.Completed)
        {
            a.CompletedAt = null;
        }
        else if (a.CompletedAt is null)
        {
            var now = services.Now;
            a.CompletedAt = a.StartedAt > now ? a.StartedAt : now;
        }
        return Task.CompletedTask;
    }

    private static void ApplyParticipants(IReadOnlyList<ParticipantInput> inputs, Activity a)
    {
        var kept = new List<ActivityParticipant>();
        foreach (var input in inputs)
        {
            var participant = a.Participants.FirstOrDefault(p =>
                p.UserId == input.UserId && p.ContactId == input.ContactId && string.Equals(p.Email, input.Email, StringComparison.OrdinalIgnoreCase));
            participant ??= new ActivityParticipant { WorkspaceId = a.WorkspaceId, ActivityId = a.Id };
            participant.ParticipantType = input switch
            {
                { UserId: not null } => ParticipantType.User,
                { ContactId: not null } => ParticipantType.Contact,
                _ => ParticipantType.External,
            };
            participant.UserId = input.UserId;
            participant.ContactId = input.ContactId;
            participant.Email = input.Email;
            participant.Name = input.Name;
            participant.Role = input.Role;
            participant.ResponseStatus = input.ResponseStatus;
            kept.Add(participant);
        }
        Replace(a.Participants, kept);
    }

    private static void ApplyReminders(IReadOnlyList<ReminderInput> inputs, DateTimeOffset? anchor, Activity a)
    {
        var kept = new List<ActivityReminder>();
        foreach (var input in inputs)
        {
            var reminder = a.Reminders.FirstOrDefault(r =>
                r.Channel == input.Channel && r.MinutesBefore == input.MinutesBefore && r.RecipientId == input.RecipientId);
            reminder ??= new ActivityReminder
            {
                WorkspaceId = a.WorkspaceId, ActivityId = a.Id, Channel = input.Channel, MinutesBefore = input.MinutesBefore,
                RecipientId = input.RecipientId.GetValueOrDefault(),
            };
            var remindAt = anchor.GetValueOrDefault().AddMinutes(-input.MinutesBefore);
            if (reminder.RemindAt != remindAt)
            {
                // A new time is a new reminder to send, whether or not the old one went out.
                reminder.RemindAt = remindAt;
                reminder.Status = ReminderStatus.Pending;
                reminder.SentAt = null;
            }
            kept.Add(reminder);
        }
        Replace(a.Reminders, kept);
    }

    /// <summary>Makes <paramref name="list"/> hold exactly <paramref name="kept"/>: EF deletes the rows removed from it.</summary>
    private static void Replace<T>(List<T> list, List<T> kept)
    {
        list.RemoveAll(item => !kept.Contains(item));
        list.AddRange(kept.Where(item => !list.Contains(item)));
    }
}
