using Crm.Api.Infrastructure.Listing;
using Crm.Domain.SavedViews;

namespace Crm.Api.Features.SavedViews;

/// <summary>What <c>GET /api/v1/saved-views</c> sorts, filters and searches (q) by.</summary>
internal static class SavedViewListing
{
    public static readonly ListingSchema<SavedView> Schema = new ListingSchema<SavedView>("saved-views", v => v.Id)
        .Field("name", v => v.Name, sortable: true, filterable: true, searchable: true)
        .Field("objectType", v => v.ObjectType, filterable: true)
        .Field("visibility", v => v.Visibility, filterable: true)
        .Field("teamId", v => v.TeamId, filterable: true)
        .Field("isDefault", v => v.IsDefault, filterable: true)
        .Field("createdBy", v => v.CreatedBy, filterable: true)
        .Field("createdAt", v => v.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", v => v.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
