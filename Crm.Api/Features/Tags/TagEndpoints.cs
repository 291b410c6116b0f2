using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tags;

namespace Crm.Api.Features.Tags;

/// <summary>
/// <c>/api/v1/tags</c> (docs/api.md, "Tags"): workspace configuration on the shared resource pipeline, seen by every
/// member, written by every role but viewer; and the tags of the records of every object type
/// (<see cref="RecordTagEndpoints"/>).
/// </summary>
public static class TagEndpoints
{
    public const string EntityType = "tag";

    internal static readonly ResourceDefinition<Tag, TagInput, TagResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "tags",
        OperationSingular = "Tag",
        OperationPlural = "Tags",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "Puts the tag back on the records it was on. 409 when a live tag has taken its name meanwhile.",
        Set = db => db.Tags,
        New = id => new Tag { Id = id, Name = "" },
        Listing = TagListing.Schema,
        WorkspaceWide = true,
        ToInput = t => t.ToInput(),
        ToResponse = t => t.ToResponse(),
        Apply = (input, tag) => input.Apply(tag),
        OwnedByDefault = (input, _) => input,
        Validate = TagValidator.Validate,
        CheckReferences = (_, _, _, _) => Task.CompletedTask,
        Conflicts = [new("tags_name_unique", "name", "A tag with this name already exists in the workspace.")],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(TagBatchRequest),
        BatchResponseType = typeof(TagBatchResponse),
        ToBatchResponse = responses => new TagBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapTagEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        foreach (var objectType in ObjectTypes.All.Values)
        {
            routes.MapRecordTags(objectType);
        }
        return routes;
    }
}
