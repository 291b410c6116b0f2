using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.SavedViews;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.SavedViews;

/// <summary>
/// <c>/api/v1/saved-views</c> (docs/api.md, "Saved views"): named list queries. A member sees their own views, the
/// views shared with the workspace and those shared with a live team they are in; a shared view may be changed only by
/// its owner or an owner or admin of the workspace.
/// </summary>
public static class SavedViewEndpoints
{
    public const string EntityType = "saved_view";

    internal static readonly ResourceDefinition<SavedView, SavedViewInput, SavedViewResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "saved-views",
        OperationSingular = "SavedView",
        OperationPlural = "SavedViews",
        ListDescription = "The caller's views and those shared with them; cursor-paged, sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].filters.leadScore.gte).",
        RestoreDescription = "409 when the owner has made another view of the object type their default meanwhile.",
        Set = db => db.SavedViews,
        New = id => new SavedView { Id = id, Name = "" },
        Listing = SavedViewListing.Schema,
        Visibility = SeenByCaller,
        OwnerField = null,
        RefuseChange = RefuseChange,
        ToInput = v => v.ToInput(),
        ToResponse = v => v.ToResponse(),
        Apply = (input, view) => input.Apply(view),
        OwnedByDefault = (input, _) => input,
        Validate = SavedViewValidator.Validate,
        CheckReferences = SavedViewReferences.CheckAsync,
        Conflicts = [new("saved_views_one_default", "isDefault", "The owner already has a default view of this object type; unset it first.")],
        BatchUnique = new("isDefault", i => i.IsDefault && i.ObjectType is { } type ? EnumNames.Of(type) : null, StringComparer.Ordinal),
        BatchRequestType = typeof(SavedViewBatchRequest),
        BatchResponseType = typeof(SavedViewBatchResponse),
        ToBatchResponse = responses => new SavedViewBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapSavedViewEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }

    /// <summary>The caller's own views, the workspace's shared ones, and those of the live teams the caller is in.</summary>
    private static IQueryable<SavedView> SeenByCaller(ResourceServices services, IQueryable<SavedView> views)
    {
        var me = services.Caller.UserId;
        var db = services.Db;
        var liveTeams = db.Teams.Where(t => t.DeletedAt == null).Select(t => t.Id);
        var myTeams = db.TeamMembers.Where(m => m.UserId == me && liveTeams.Contains(m.TeamId)).Select(m => (Guid?)m.TeamId);
        return views.Where(v => v.CreatedBy == me || v.Visibility == ViewVisibility.Workspace ||
                                (v.Visibility == ViewVisibility.Team && myTeams.Contains(v.TeamId)));
    }

    private static IResult? RefuseChange(CallerAccess caller, SavedView view) =>
        view.CreatedBy == caller.UserId || caller.Role is MemberRole.Owner or MemberRole.Admin
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "Only its owner, or an owner or admin of the workspace, may change a shared view.");
}
