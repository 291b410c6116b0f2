using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Companies;

namespace Crm.Api.Features.Companies;

/// <summary>What <c>GET /api/v1/companies</c> sorts, filters and searches (q) by.</summary>
internal static class CompanyListing
{
    public static readonly ListingSchema<Company> Schema = new ListingSchema<Company>("companies", c => c.Id)
        .Field("name", c => c.Name, sortable: true, filterable: true, searchable: true)
        .Field("domain", c => c.Domain, sortable: true, filterable: true, searchable: true)
        .Field("industry", c => c.Industry, sortable: true, filterable: true)
        .Field("type", c => c.Type, filterable: true)
        .Field("status", c => c.Status, filterable: true)
        .Field("priority", c => c.Priority, filterable: true)
        .Field("size", c => c.Size, sortable: true, filterable: true)
        .Field("ownerId", c => c.OwnerId, filterable: true)
        .Field("parentCompanyId", c => c.ParentCompanyId, filterable: true)
        .Field("territoryId", c => c.TerritoryId, filterable: true)
        .Field("annualRevenue", c => c.AnnualRevenue, sortable: true, filterable: true)
        .Field("healthScore", c => c.HealthScore, sortable: true, filterable: true)
        .Field("lastActivityAt", c => c.LastActivityAt, sortable: true, filterable: true)
        .Field("createdAt", c => c.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", c => c.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");
}
