using System.Text.Json.Nodes;
using Crm.Domain.Activities;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>Between <see cref="ActivityTemplate"/> and its DTOs.</summary>
internal static class ActivityTemplateMapping
{
    public static ActivityTemplateInput ToInput(this ActivityTemplate t) => new()
    {
        Name = t.Name, Type = t.Type, SubjectTemplate = t.SubjectTemplate, DescriptionTemplate = t.DescriptionTemplate,
        DurationMinutes = t.DurationMinutes, DefaultPriority = t.DefaultPriority,
        CustomFieldsTemplate = JsonNode.Parse(t.CustomFieldsTemplate)!.AsObject(), Tags = [.. t.Tags], IsActive = t.IsActive,
    };

    public static ActivityTemplateResponse ToResponse(this ActivityTemplate t) => new(t.ToInput())
    {
        Id = t.Id,
        CreatedBy = t.CreatedBy,
        UpdatedBy = t.UpdatedBy,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated (<see cref="ActivityTemplateValidator"/>, so normalized) input onto the entity. The pipeline
    /// applies inputs that failed validation too (and then answers 400), so nothing here may assume a valid one.
    /// </summary>
    public static void Apply(this ActivityTemplateInput i, ActivityTemplate t)
    {
        t.Name = i.Name ?? "";
        t.Type = i.Type.GetValueOrDefault();
        t.SubjectTemplate = i.SubjectTemplate;
        t.DescriptionTemplate = i.DescriptionTemplate;
        t.DurationMinutes = i.DurationMinutes;
        t.DefaultPriority = i.DefaultPriority;
        t.CustomFieldsTemplate = i.CustomFieldsTemplate.ToJsonString();
        t.Tags = [.. i.Tags];
        t.IsActive = i.IsActive;
    }
}
