using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Activities;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>
/// <c>/api/v1/activity-templates</c> (docs/api.md, "Activity templates"): what fills a new activity's blanks when it
/// names a <c>templateId</c> (<see cref="ActivityTemplateDefaults"/>). Seen by every member; written by owners, admins
/// and managers.
/// </summary>
public static class ActivityTemplateEndpoints
{
    public const string EntityType = "activity_template";

    internal static readonly ResourceDefinition<ActivityTemplate, ActivityTemplateInput, ActivityTemplateResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "activity-templates",
        OperationSingular = "ActivityTemplate",
        OperationPlural = "ActivityTemplates",
        ListDescription = "Cursor-paged, by name by default; sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "409 when a live template has taken its name meanwhile.",
        Set = db => db.ActivityTemplates,
        New = id => new ActivityTemplate { Id = id, Name = "" },
        Listing = ActivityTemplateListing.Schema,
        WorkspaceWide = true,
        WritePermission = Permission.ConfigurationManage,
        ToInput = t => t.ToInput(),
        ToResponse = t => t.ToResponse(),
        Apply = (input, template) => input.Apply(template),
        OwnedByDefault = (input, _) => input,
        Validate = ActivityTemplateValidator.Validate,
        CheckReferences = (_, _, _, _) => Task.CompletedTask,
        Conflicts = [new("activity_templates_name_unique", "name", "An activity template with this name already exists in the workspace.")],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(ActivityTemplateBatchRequest),
        BatchResponseType = typeof(ActivityTemplateBatchResponse),
        ToBatchResponse = responses => new ActivityTemplateBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapActivityTemplateEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
