using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.CustomFields;

namespace Crm.Api.Features.CustomFields;

/// <summary>
/// <c>/api/v1/custom-fields</c> (docs/api.md, "Custom fields"): the definitions that records' customFields are checked
/// against (<see cref="Infrastructure.CustomFields.CustomFieldSchema"/>). Seen by every member; written by owners and
/// admins only.
/// </summary>
public static class CustomFieldEndpoints
{
    public const string EntityType = "custom_field";

    internal static readonly ResourceDefinition<CustomFieldDefinition, CustomFieldInput, CustomFieldResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "custom-fields",
        OperationSingular = "CustomField",
        OperationPlural = "CustomFields",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over key and label (docs/api.md, \"Lists\"). Default sort: position, key.",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].key).",
        RestoreDescription = "409 when a live field of the same object type has taken its key meanwhile.",
        Set = db => db.CustomFieldDefinitions,
        New = id => new CustomFieldDefinition { Id = id, Key = "", Label = "" },
        Listing = CustomFieldListing.Schema,
        WorkspaceWide = true,
        WritePermission = Permission.CustomFieldsManage,
        ToInput = d => d.ToInput(),
        ToResponse = d => d.ToResponse(),
        Apply = (input, definition) => input.Apply(definition),
        OwnedByDefault = (input, _) => input,
        Validate = CustomFieldValidator.Validate,
        CheckReferences = CustomFieldReferences.CheckAsync,
        Conflicts = [new("custom_field_definitions_key_unique", "key", "A field with this key already exists for this object type.")],
        BatchUnique = new("key", i => i.Key is null || i.ObjectType is null ? null : $"{EnumNames.Of(i.ObjectType.Value)}.{i.Key}", StringComparer.Ordinal),
        BatchRequestType = typeof(CustomFieldBatchRequest),
        BatchResponseType = typeof(CustomFieldBatchResponse),
        ToBatchResponse = responses => new CustomFieldBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapCustomFieldEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
