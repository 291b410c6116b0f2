using Crm.Domain.Tasks;

namespace Crm.Api.Features.Tasks;

/// <summary>Between <see cref="TaskItem"/> and its DTOs.</summary>
internal static class TaskMapping
{
    public static TaskInput ToInput(this TaskItem t) => new()
    {
        Title = t.Title, Description = t.Description, Type = t.Type, Priority = t.Priority, Status = t.Status, DueAt = t.DueAt,
        ReminderMinutes = t.ReminderMinutes, AssignedTo = t.OwnerId, ContactId = t.ContactId, CompanyId = t.CompanyId,
        DealId = t.DealId, LeadId = t.LeadId,
        RecurrenceRule = t.RecurrenceRule is { } rule
            ? new RecurrenceInput { Frequency = rule.Frequency, Interval = rule.Interval, Until = rule.Until, Count = rule.Count }
            : null,
    };

    public static TaskResponse ToResponse(this TaskItem t) => new(t.ToInput())
    {
        Id = t.Id,
        AssignedBy = t.AssignedBy,
        CompletedAt = t.CompletedAt,
        CompletedBy = t.CompletedBy,
        RecurrenceParentId = t.RecurrenceParentId,
        Occurrence = t.Occurrence,
        CreatedBy = t.CreatedBy,
        UpdatedBy = t.UpdatedBy,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated (<see cref="TaskValidator"/>, so normalized) input onto the task. The pipeline applies inputs
    /// that failed validation too (and then answers 400), so nothing here may assume a valid one.
    /// </summary>
    public static void Apply(this TaskInput i, TaskItem t)
    {
        t.Title = i.Title ?? "";
        t.Description = i.Description;
        t.Type = i.Type;
        t.Priority = i.Priority;
        t.Status = i.Status;
        t.DueAt = i.DueAt;
        t.ReminderMinutes = i.ReminderMinutes;
        t.OwnerId = i.AssignedTo;
        t.ContactId = i.ContactId;
        t.CompanyId = i.CompanyId;
        t.DealId = i.DealId;
        t.LeadId = i.LeadId;
        t.RecurrenceRule = i.RecurrenceRule is { } rule
            ? new RecurrenceRule { Frequency = rule.Frequency.GetValueOrDefault(), Interval = rule.Interval, Until = rule.Until, Count = rule.Count }
            : null;
    }
}
