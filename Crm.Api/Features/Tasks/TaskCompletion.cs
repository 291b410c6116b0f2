using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Tasks;

/// <summary>
/// What follows from a task's change, however it is made (POST, PATCH, batch, <c>POST .../complete</c>): who assigned
/// it, who completed it and when, and, when a repeating task becomes completed, its next occurrence, added in the same
/// transaction.
/// </summary>
internal static class TaskCompletion
{
    /// <summary>
    /// The resource's <see cref="ResourceDefinition{TEntity, TInput, TResponse}.AfterApply"/>, given the task's fields
    /// before the change (null for a new task). Answers the next occurrence it added, if any.
    /// </summary>
    public static async Task<TaskItem?> ApplyAsync(ResourceServices services, TaskItem task, TaskInput? before, CancellationToken cancellationToken)
    {
        var userId = services.Caller.UserId;
        if (before?.AssignedTo != task.OwnerId)
        {
            task.AssignedBy = userId;
        }
        if (task.Status != TaskItemStatus.Completed)
        {
            task.CompletedAt = null;
            task.CompletedBy = null;
            return null;
        }
        if (before?.Status == TaskItemStatus.Completed)
        {
            return null;
        }
        task.CompletedAt = services.Now;
        task.CompletedBy = userId;
        return await AddNextOccurrenceAsync(services, task, cancellationToken);
    }

    private static async Task<TaskItem?> AddNextOccurrenceAsync(ResourceServices services, TaskItem task, CancellationToken cancellationToken)
    {
        if (task is not { RecurrenceRule: { } rule, DueAt: { } dueAt } || rule.NextDue(dueAt, task.Occurrence) is not { } nextDue)
        {
            return null;
        }
        // Completed, reopened and completed again, it already has its next occurrence (even a deleted one): one per task.
        if (await services.Db.Tasks.AnyAsync(t => t.RecurrenceParentId == task.Id, cancellationToken))
        {
            return null;
        }
        var userId = services.Caller.UserId;
        var next = new TaskItem
        {
            Title = task.Title,
            Description = task.Description,
            Type = task.Type,
            Priority = task.Priority,
            DueAt = nextDue,
            ReminderMinutes = task.ReminderMinutes,
            OwnerId = task.OwnerId,
            AssignedBy = task.AssignedBy,
            RecurrenceRule = rule,
            RecurrenceParentId = task.Id,
            Occurrence = task.Occurrence + 1,
            ContactId = task.ContactId,
            CompanyId = task.CompanyId,
            DealId = task.DealId,
            LeadId = task.LeadId,
            CreatedBy = userId,
            UpdatedBy = userId,
        };
        services.Db.Tasks.Add(next);
        services.Audit.Created(TaskEndpoints.EntityType, next.Id, services.Audit.Snapshot(next.ToInput()));
        return next;
    }
}
