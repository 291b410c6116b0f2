using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Deals;

namespace Crm.Api.Features.Deals;

/// <summary>What <c>GET /api/v1/deals</c> sorts, filters and searches (q) by.</summary>
internal static class DealListing
{
    public static readonly ListingSchema<Deal> Schema = new ListingSchema<Deal>("deals", d => d.Id)
        .Field("name", d => d.Name, sortable: true, filterable: true, searchable: true)
        .Field("value", d => d.Value, sortable: true, filterable: true)
        .Field("weightedValue", d => d.WeightedValue, sortable: true, filterable: true)
        .Field("probability", d => d.Probability, sortable: true, filterable: true)
        .Field("currency", d => d.Currency, filterable: true)
        .Field("status", d => d.Status, filterable: true)
        .Field("dealType", d => d.DealType, filterable: true)
        .Field("priority", d => d.Priority, filterable: true)
        .Field("pipelineId", d => d.PipelineId, filterable: true)
        .Field("stageId", d => d.StageId, filterable: true)
        .Field("ownerId", d => d.OwnerId, filterable: true)
        .Field("contactId", d => d.ContactId, filterable: true)
        .Field("companyId", d => d.CompanyId, filterable: true)
        .Field("source", d => d.Source, filterable: true)
        .Field("expectedCloseDate", d => d.ExpectedCloseDate, sortable: true, filterable: true)
        .Field("actualCloseDate", d => d.ActualCloseDate, sortable: true, filterable: true)
        .Field("stageEnteredAt", d => d.StageEnteredAt, sortable: true, filterable: true)
        .Field("lastActivityAt", d => d.LastActivityAt, sortable: true, filterable: true)
        .Field("createdAt", d => d.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", d => d.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");
}
