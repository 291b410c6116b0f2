using Crm.Domain.Tasks;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Tasks;

/// <summary>
/// Checks a <see cref="TaskInput"/> against the rules of the tasks table (its CHECKs, the recurrence rule's shape) and
/// normalizes it (trimmed, blanks to null). Errors are keyed by the camelCase field ("recurrenceRule.interval"), after
/// <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static class TaskValidator
{
    /// <summary>Four weeks.</summary>
    public const int MaxReminderMinutes = 40_320;

    public static TaskInput Validate(TaskInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with { Title = Clean(input.Title), Description = Clean(input.Description) };
        if (normalized.Title is null)
        {
            Fail("title", "Give a title.");
        }
        if (normalized.AssignedTo is null)
        {
            Fail("assignedTo", "Give the member the task is assigned to.");
        }
        if (normalized.ReminderMinutes is { } minutes)
        {
            if (minutes is < 1 or > MaxReminderMinutes)
            {
                Fail("reminderMinutes", $"Must be from 1 to {MaxReminderMinutes} (four weeks).");
            }
            if (normalized.DueAt is null)
            {
                Fail("reminderMinutes", "A reminder needs a dueAt to count back from.");
            }
        }
        if (normalized.RecurrenceRule is { } rule)
        {
            CheckRecurrence(rule, normalized.DueAt, Fail);
        }
        CheckLengths([("title", normalized.Title, 255)], Fail);
        return normalized;
    }

    private static void CheckRecurrence(RecurrenceInput rule, DateTimeOffset? dueAt, Action<string, string> fail)
    {
        if (dueAt is null)
        {
            fail("recurrenceRule", "A repeating task needs a dueAt to repeat from.");
        }
        if (rule.Frequency is null)
        {
            fail("recurrenceRule.frequency", "Give the frequency: daily, weekly, monthly or yearly.");
        }
        if (rule.Interval is < 1 or > RecurrenceRule.MaxInterval)
        {
            fail("recurrenceRule.interval", $"Must be from 1 to {RecurrenceRule.MaxInterval}.");
        }
        if (rule.Count is < 1 or > RecurrenceRule.MaxCount)
        {
            fail("recurrenceRule.count", $"Must be from 1 to {RecurrenceRule.MaxCount}.");
        }
        if (rule is { Count: not null, Until: not null })
        {
            fail("recurrenceRule.until", "Give count or until, not both.");
        }
        else if (rule.Until < dueAt)
        {
            fail("recurrenceRule.until", "Cannot be before dueAt.");
        }
    }
}
