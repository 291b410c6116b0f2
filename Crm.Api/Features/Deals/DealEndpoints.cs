using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Deals;
using Crm.Domain.Records;

namespace Crm.Api.Features.Deals;

/// <summary>
/// <c>/api/v1/deals</c> (docs/api.md, "Deals"): the shared endpoints of <see cref="ResourceMapping.MapResource"/>, with
/// a deal's own actions and sub-resources: move (<see cref="DealMoveEndpoint"/>), stage history
/// (<see cref="DealStageHistoryEndpoint"/>) and line items (<see cref="DealLineItemEndpoints"/>).
/// </summary>
public static class DealEndpoints
{
    public const string EntityType = "deal";

    internal static readonly ResourceDefinition<Deal, DealInput, DealResponse> Resource = new()
    {
        EntityType = EntityType,
        ObjectType = ObjectType.Deal,
        Plural = "deals",
        OperationSingular = "Deal",
        OperationPlural = "Deals",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].stageId).",
        RestoreDescription = "Restores the deal in the stage it was in.",
        Set = db => db.Deals,
        New = id => new Deal { Id = id, Name = "" },
        Listing = DealListing.Schema,
        ToInput = d => d.ToInput(),
        ToResponse = d => d.ToResponse(),
        WithTags = (response, tags) => response with { Tags = tags },
        Apply = (input, deal) => input.Apply(deal),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = DealValidator.Validate,
        Complete = DealReferences.CompleteAsync,
        CheckReferences = DealReferences.CheckAsync,
        CheckCreate = DealReferences.RefuseCreateAsync,
        Conflicts = [],
        BatchRequestType = typeof(DealBatchRequest),
        BatchResponseType = typeof(DealBatchResponse),
        ToBatchResponse = responses => new DealBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapDealEndpoints(this IEndpointRouteBuilder routes)
    {
        var deals = routes.MapResource(Resource);
        deals.MapDealMoveEndpoint();
        deals.MapDealStageHistoryEndpoint();
        deals.MapDealLineItemEndpoints();
        return routes;
    }

    internal static IResult NotFound() => ResourceRequests.NotFound(EntityType);
}
