using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Territories;

namespace Crm.Api.Features.Territories;

/// <summary>
/// <c>/api/v1/territories</c> (docs/api.md, "Territories"): a hierarchy without cycles that companies belong to
/// (<c>territoryId</c>). Seen by every member; written by owners, admins and managers.
/// </summary>
public static class TerritoryEndpoints
{
    public const string EntityType = "territory";

    internal static readonly ResourceDefinition<Territory, TerritoryInput, TerritoryResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "territories",
        OperationSingular = "Territory",
        OperationPlural = "Territories",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "409 when a live territory has taken its name meanwhile.",
        Set = db => db.Territories,
        New = id => new Territory { Id = id, Name = "" },
        Listing = TerritoryListing.Schema,
        WorkspaceWide = true,
        WritePermission = Permission.ConfigurationManage,
        ToInput = t => t.ToInput(),
        ToResponse = t => t.ToResponse(),
        Apply = (input, territory) => input.Apply(territory),
        OwnedByDefault = (input, _) => input,
        Validate = TerritoryValidator.Validate,
        CheckReferences = TerritoryReferences.CheckAsync,
        CheckDelete = TerritoryReferences.CheckDeleteAsync,
        Conflicts = [new("territories_name_unique", "name", "A territory with this name already exists in the workspace.")],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(TerritoryBatchRequest),
        BatchResponseType = typeof(TerritoryBatchResponse),
        ToBatchResponse = responses => new TerritoryBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapTerritoryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
