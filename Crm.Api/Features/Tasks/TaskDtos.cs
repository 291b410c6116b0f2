using System.Text.Json.Serialization;
using Crm.Api.Features.Timeline;
using Crm.Domain.Activities;
using Crm.Domain.Tasks;

namespace Crm.Api.Features.Tasks;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Setting status to completed completes the task as <c>POST .../complete</c> does.
/// </summary>
public record TaskInput : ILinkedInput
{
    /// <summary>Required, at most 255 characters.</summary>
    public string? Title { get; init; }

    public string? Description { get; init; }

    public TaskItemType Type { get; init; } = TaskItemType.Task;

    public ActivityPriority Priority { get; init; } = ActivityPriority.Medium;

    public TaskItemStatus Status { get; init; } = TaskItemStatus.Pending;

    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Minutes before dueAt to remind the assignee (needs dueAt).</summary>
    public int? ReminderMinutes { get; init; }

    /// <summary>An active member of the workspace; defaults to the caller on create.</summary>
    public Guid? AssignedTo { get; init; }

    /// <summary>How the task repeats (needs dueAt); completing it creates the next occurrence.</summary>
    public RecurrenceInput? RecurrenceRule { get; init; }

    /// <summary>Live records the caller sees; all optional.</summary>
    public Guid? ContactId { get; init; }

    public Guid? CompanyId { get; init; }

    public Guid? DealId { get; init; }

    public Guid? LeadId { get; init; }
}

/// <summary>Every interval days, weeks, months or years; ending after count occurrences, at until, or never.</summary>
public sealed record RecurrenceInput
{
    /// <summary>Required: daily, weekly, monthly or yearly.</summary>
    public RecurrenceFrequency? Frequency { get; init; }

    /// <summary>1 to 999.</summary>
    public int Interval { get; init; } = 1;

    /// <summary>The last time an occurrence may be due (not with count).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The number of occurrences, this one included: 1 to 1000 (not with until).</summary>
    public int? Count { get; init; }
}

/// <summary>A task as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record TaskResponse : TaskInput
{
    [JsonConstructor]
    public TaskResponse()
    {
    }

    public TaskResponse(TaskInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    /// <summary>Who last assigned it.</summary>
    public Guid? AssignedBy { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public Guid? CompletedBy { get; init; }

    /// <summary>The occurrence this one follows.</summary>
    public Guid? RecurrenceParentId { get; init; }

    /// <summary>1 for a series' first task, 2 for the next, ...</summary>
    public int Occurrence { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What <c>POST /api/v1/tasks/{id}/complete</c> answers: the task, and the occurrence it made if it repeats.</summary>
public sealed record TaskCompletionResponse(TaskResponse Task, TaskResponse? NextOccurrence);

/// <summary>The body of <c>POST /api/v1/tasks/batch</c>.</summary>
public sealed record TaskBatchRequest(IReadOnlyList<TaskInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record TaskBatchResponse(IReadOnlyList<TaskResponse> Data);
