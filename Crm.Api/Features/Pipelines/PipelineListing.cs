using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Pipelines;

namespace Crm.Api.Features.Pipelines;

/// <summary>What <c>GET /api/v1/pipelines</c> sorts, filters and searches (q) by.</summary>
internal static class PipelineListing
{
    public static readonly ListingSchema<Pipeline> Schema = new ListingSchema<Pipeline>("pipelines", p => p.Id)
        .Field("name", p => p.Name, sortable: true, filterable: true, searchable: true)
        .Field("pipelineType", p => p.PipelineType, filterable: true)
        .Field("isDefault", p => p.IsDefault, filterable: true)
        .Field("isActive", p => p.IsActive, filterable: true)
        .Field("displayOrder", p => p.DisplayOrder, sortable: true, filterable: true)
        .Field("createdAt", p => p.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", p => p.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("displayOrder,name");
}
