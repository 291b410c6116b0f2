using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Features.Timeline;
using Crm.Domain.Activities;

namespace Crm.Api.Features.Activities;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Participants and reminders are part of it: a patch that gives them replaces the lists.
/// </summary>
public record ActivityInput : ILinkedInput
{
    /// <summary>
    /// A live, active activity template (GET /api/v1/activity-templates) that fills what the body leaves out: type,
    /// subject, description, durationMinutes, priority and customFields keys. Written, never read back.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? TemplateId { get; init; }

    /// <summary>Required (unless the template gives it).</summary>
    public ActivityType? Type { get; init; }

    /// <summary>Required (unless the template gives it), at most 255 characters.</summary>
    public string? Subject { get; init; }

    public string? Description { get; init; }

    public ActivityStatus Status { get; init; } = ActivityStatus.Scheduled;

    /// <summary>Defaults to the template's default priority, else medium.</summary>
    public ActivityPriority? Priority { get; init; }

    /// <summary>Calls and emails only.</summary>
    public Direction? Direction { get; init; }

    public DateTimeOffset? ScheduledAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Kept only while the status is completed; defaults to the time it became completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Greater than 0.</summary>
    public int? DurationMinutes { get; init; }

    public string? Location { get; init; }

    /// <summary>An absolute http or https URL.</summary>
    public string? MeetingUrl { get; init; }

    public string? Outcome { get; init; }

    public string? OutcomeNotes { get; init; }

    public bool FollowUpRequired { get; init; }

    /// <summary>Only with followUpRequired.</summary>
    public DateTimeOffset? FollowUpAt { get; init; }

    public JsonObject CustomFields { get; init; } = [];

    /// <summary>At least one of contactId, companyId, dealId and leadId: live records the caller sees.</summary>
    public Guid? ContactId { get; init; }

    public Guid? CompanyId { get; init; }

    public Guid? DealId { get; init; }

    public Guid? LeadId { get; init; }

    /// <summary>Defaults to the caller on create.</summary>
    public Guid? OwnerId { get; init; }

    /// <summary>An active member of the workspace.</summary>
    public Guid? AssignedTo { get; init; }

    public IReadOnlyList<ParticipantInput> Participants { get; init; } = [];

    public IReadOnlyList<ReminderInput> Reminders { get; init; } = [];
}

/// <summary>Who takes part: exactly one of userId (a member), contactId (a contact) and email (anyone else).</summary>
public sealed record ParticipantInput
{
    public Guid? UserId { get; init; }

    public Guid? ContactId { get; init; }

    public string? Email { get; init; }

    /// <summary>The name of an outside participant.</summary>
    public string? Name { get; init; }

    public ParticipantRole Role { get; init; } = ParticipantRole.Attendee;

    public ParticipantResponse ResponseStatus { get; init; } = ParticipantResponse.Pending;
}

/// <summary>A reminder, minutesBefore the activity's scheduledAt (else dueAt), to a member.</summary>
public sealed record ReminderInput
{
    public ReminderChannel Channel { get; init; } = ReminderChannel.Email;

    public int MinutesBefore { get; init; } = 15;

    /// <summary>Defaults to the assignee, else the owner.</summary>
    public Guid? RecipientId { get; init; }
}

/// <summary>An activity as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record ActivityResponse : ActivityInput
{
    [JsonConstructor]
    public ActivityResponse()
    {
    }

    public ActivityResponse(ActivityInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    /// <summary>Where it sits on timelines: completedAt, else startedAt, else scheduledAt, else dueAt, else createdAt.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/activities/batch</c>.</summary>
public sealed record ActivityBatchRequest(IReadOnlyList<ActivityInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record ActivityBatchResponse(IReadOnlyList<ActivityResponse> Data);
