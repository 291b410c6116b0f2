using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Territories;

namespace Crm.Api.Features.Territories;

/// <summary>What <c>GET /api/v1/territories</c> sorts, filters and searches (q) by.</summary>
internal static class TerritoryListing
{
    public static readonly ListingSchema<Territory> Schema = new ListingSchema<Territory>("territories", t => t.Id)
        .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
        .Field("territoryType", t => t.TerritoryType, filterable: true)
        .Field("parentTerritoryId", t => t.ParentTerritoryId, filterable: true)
        .Field("managerId", t => t.ManagerId, filterable: true)
        .Field("isActive", t => t.IsActive, filterable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", t => t.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
