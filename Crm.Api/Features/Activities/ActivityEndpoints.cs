using Crm.Api.Features.ActivityTemplates;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Activities;

namespace Crm.Api.Features.Activities;

/// <summary>
/// <c>/api/v1/activities</c> (docs/api.md, "Activities"): the shared endpoints of <see cref="ResourceMapping.MapResource"/>;
/// this is what is an activity's own. Participants and reminders are written and read with their activity.
/// </summary>
public static class ActivityEndpoints
{
    public const string EntityType = "activity";

    internal static readonly ResourceDefinition<Activity, ActivityInput, ActivityResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "activities",
        OperationSingular = "Activity",
        OperationPlural = "Activities",
        ListDescription = "Cursor-paged, newest first by default; sort, filter[field][op] and q over the subject (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].subject).",
        RestoreDescription = "The activity returns to lists and timelines.",
        Set = db => db.Activities,
        New = id => new Activity { Id = id },
        Listing = ActivityListing.Schema,
        ToInput = a => a.ToInput(),
        ToResponse = a => a.ToResponse(),
        Apply = (input, activity) => input.Apply(activity),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = ActivityValidator.Validate,
        Complete = ActivityTemplateDefaults.CompleteAsync,
        CheckReferences = ActivityReferences.CheckAsync,
        AfterApply = ActivityMapping.StampCompletionAsync,
        Conflicts = [],
        BatchRequestType = typeof(ActivityBatchRequest),
        BatchResponseType = typeof(ActivityBatchResponse),
        ToBatchResponse = responses => new ActivityBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapActivityEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
