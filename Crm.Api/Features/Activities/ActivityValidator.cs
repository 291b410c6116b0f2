using Crm.Api.Features.Timeline;
using Crm.Domain.Activities;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Activities;

/// <summary>
/// Checks an <see cref="ActivityInput"/> against the rules of the activities, participants and reminders tables and
/// normalizes it (trimmed, blanks to null, reminders addressed), so the database never refuses what passed here.
/// Errors are keyed by the camelCase field ("participants[2].email"), after <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static class ActivityValidator
{
    public const int MaxParticipants = 50;

    public const int MaxReminders = 5;

    /// <summary>Four weeks.</summary>
    public const int MaxMinutesBefore = 40_320;

    public const string DirectionRule = "Only calls and emails have a direction.";

    public static ActivityInput Validate(ActivityInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Subject = Clean(input.Subject),
            Description = Clean(input.Description),
            Location = Clean(input.Location),
            MeetingUrl = Clean(input.MeetingUrl),
            Outcome = Clean(input.Outcome),
            OutcomeNotes = Clean(input.OutcomeNotes),
            Participants = [.. input.Participants.Select(p => p with { Email = Clean(p.Email), Name = Clean(p.Name) })],
        };
        normalized = normalized with
        {
            Reminders = [.. input.Reminders.Select(r => r with { RecipientId = r.RecipientId ?? normalized.AssignedTo ?? normalized.OwnerId })],
        };

        // A template fills the type and subject when the input leaves them out (ActivityTemplateDefaults checks the result).
        if (normalized.Type is null && normalized.TemplateId is null)
        {
            Fail("type", "Give the type: call, email, meeting, task, note, demo, deadline, proposal, follow_up or other.");
        }
        if (normalized.Subject is null && normalized.TemplateId is null)
        {
            Fail("subject", "Give a subject.");
        }
        if (normalized.Type is not null && !HasDirectionRightForType(normalized))
        {
            Fail("direction", DirectionRule);
        }
        if (normalized.DurationMinutes is <= 0)
        {
            Fail("durationMinutes", "Must be greater than 0.");
        }
        if (normalized.MeetingUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            Fail("meetingUrl", "Must be an absolute http or https URL.");
        }
        if (normalized.CompletedAt < normalized.StartedAt)
        {
            Fail("completedAt", "Cannot be before startedAt.");
        }
        if (normalized.FollowUpAt is not null && !normalized.FollowUpRequired)
        {
            Fail("followUpAt", "Set followUpRequired to give a follow-up time.");
        }
        if (!RecordLinks.Any(normalized))
        {
            Fail("contactId", RecordLinks.Required);
        }
        CheckParticipants(normalized.Participants, Fail);
        CheckReminders(normalized, Fail);
        CheckLengths(
        [
            ("subject", normalized.Subject, 255), ("location", normalized.Location, 255), ("meetingUrl", normalized.MeetingUrl, 500),
            ("outcome", normalized.Outcome, 100),
        ], Fail);
        return normalized;
    }

    /// <summary>Whether the activity has no direction, or is a call or email (which may have one).</summary>
    public static bool HasDirectionRightForType(ActivityInput activity) =>
        activity.Direction is null || activity.Type is ActivityType.Call or ActivityType.Email;

    private static void CheckParticipants(IReadOnlyList<ParticipantInput> participants, Action<string, string> fail)
    {
        if (participants.Count > MaxParticipants)
        {
            fail("participants", $"At most {MaxParticipants} participants.");
            return;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < participants.Count; i++)
        {
            var p = participants[i];
            var at = $"participants[{i}].";
            if (new object?[] { p.UserId, p.ContactId, p.Email }.Count(v => v is not null) != 1)
            {
                fail(at + "userId", "Give exactly one of userId (a member), contactId (a contact) or email (anyone else).");
                continue;
            }
            if (p.Email is { } email && !EmailFormat().IsMatch(email))
            {
                fail(at + "email", "Email must be an address such as jane@example.com.");
            }
            if (p.Name is not null && p.Email is null)
            {
                fail(at + "name", "Only an outside participant (given by email) has a name here.");
            }
            CheckLengths([(at + "email", p.Email, 255), (at + "name", p.Name, 200)], fail);
            if (!seen.Add($"{p.UserId}|{p.ContactId}|{p.Email}"))
            {
                fail(at + "userId", "This participant is already in the list.");
            }
        }
    }

    private static void CheckReminders(ActivityInput activity, Action<string, string> fail)
    {
        var reminders = activity.Reminders;
        if (reminders.Count > MaxReminders)
        {
            fail("reminders", $"At most {MaxReminders} reminders.");
            return;
        }
        if (reminders.Count > 0 && activity.ScheduledAt is null && activity.DueAt is null)
        {
            fail("reminders", "Reminders need a scheduledAt or dueAt to count back from.");
        }
        var seen = new HashSet<(ReminderChannel, int, Guid?)>();
        for (var i = 0; i < reminders.Count; i++)
        {
            var r = reminders[i];
            var at = $"reminders[{i}].";
            if (r.MinutesBefore is < 1 or > MaxMinutesBefore)
            {
                fail(at + "minutesBefore", $"Must be from 1 to {MaxMinutesBefore} (four weeks).");
            }
            if (r.RecipientId is null)
            {
                fail(at + "recipientId", "Give a recipient: the activity has no assignee or owner to default to.");
            }
            if (!seen.Add((r.Channel, r.MinutesBefore, r.RecipientId)))
            {
                fail(at + "minutesBefore", "The same reminder is already in the list.");
            }
        }
    }
}
