using System.Text.Json.Nodes;
using Crm.Api.Features.Activities;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Activities;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>
/// An activity input's <c>templateId</c>: the template fills what the input leaves out (type, subject, description,
/// duration, priority, and the custom fields it does not give); what the input gives wins. The templates of a whole
/// batch load in one query. The activities' <see cref="ResourceDefinition{TEntity, TInput, TResponse}.Complete"/>.
/// </summary>
internal static class ActivityTemplateDefaults
{
    public static async Task<IReadOnlyList<ActivityInput>> CompleteAsync(
        ResourceServices services, IReadOnlyList<(ActivityInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var templateIds = items.Select(i => i.Input.TemplateId).OfType<Guid>().Distinct().ToList();
        var templates = templateIds.Count == 0 ? [] : await services.Db.ActivityTemplates.AsNoTracking()
            .Where(t => templateIds.Contains(t.Id) && t.DeletedAt == null).ToDictionaryAsync(t => t.Id, cancellationToken);
        return [.. items.Select(item => Fill(item.Input, templates, errors, item.Prefix))];
    }

    private static ActivityInput Fill(ActivityInput input, Dictionary<Guid, ActivityTemplate> templates, Dictionary<string, string[]> errors, string prefix)
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        if (input.TemplateId is not { } templateId)
        {
            return input;
        }
        if (!templates.TryGetValue(templateId, out var template))
        {
            Fail("templateId", "No such activity template.");
            return input;
        }
        if (!template.IsActive)
        {
            Fail("templateId", "The activity template is inactive: activate it, or choose another.");
            return input;
        }
        var customFields = JsonNode.Parse(template.CustomFieldsTemplate)!.AsObject();
        foreach (var (key, value) in input.CustomFields)
        {
            customFields[key] = value?.DeepClone();
        }
        var filled = input with
        {
            Type = input.Type ?? template.Type,
            Subject = input.Subject ?? template.SubjectTemplate,
            Description = input.Description ?? template.DescriptionTemplate,
            DurationMinutes = input.DurationMinutes ?? template.DurationMinutes,
            Priority = input.Priority ?? template.DefaultPriority,
            CustomFields = customFields,
        };
        if (filled.Subject is null)
        {
            Fail("subject", "Give a subject: the template has none.");
        }
        if (!ActivityValidator.HasDirectionRightForType(filled))
        {
            Fail("direction", ActivityValidator.DirectionRule);
        }
        return filled;
    }
}
