using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Domain.Activities;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record ActivityTemplateInput
{
    /// <summary>Required, at most 100 characters; unique, case-insensitively, among the workspace's live templates.</summary>
    public string? Name { get; init; }

    /// <summary>Required: the type of the activities made from the template.</summary>
    public ActivityType? Type { get; init; }

    /// <summary>The subject of the activities made from the template, at most 255 characters.</summary>
    public string? SubjectTemplate { get; init; }

    public string? DescriptionTemplate { get; init; }

    /// <summary>Greater than 0.</summary>
    public int? DurationMinutes { get; init; }

    public ActivityPriority DefaultPriority { get; init; } = ActivityPriority.Medium;

    /// <summary>Custom field values the activities made from the template start with.</summary>
    public JsonObject CustomFieldsTemplate { get; init; } = [];

    /// <summary>Tag names, at most 100 characters each; repeats (regardless of case) dropped.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>An inactive template makes no activities.</summary>
    public bool IsActive { get; init; } = true;
}

/// <summary>An activity template as the API returns it.</summary>
public sealed record ActivityTemplateResponse : ActivityTemplateInput
{
    [JsonConstructor]
    public ActivityTemplateResponse()
    {
    }

    public ActivityTemplateResponse(ActivityTemplateInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/activity-templates/batch</c>.</summary>
public sealed record ActivityTemplateBatchRequest(IReadOnlyList<ActivityTemplateInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record ActivityTemplateBatchResponse(IReadOnlyList<ActivityTemplateResponse> Data);
