using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Tags;

namespace Crm.Api.Features.Tags;

/// <summary>What <c>GET /api/v1/tags</c> (and a record's <c>GET .../tags</c>) sorts, filters and searches (q) by.</summary>
internal static class TagListing
{
    public static readonly ListingSchema<Tag> Schema = new ListingSchema<Tag>("tags", t => t.Id)
        .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
        .Field("color", t => t.Color, filterable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", t => t.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
